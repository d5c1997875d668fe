/**
 * Looked-up API keys with their owner, reused for a short time so a request carrying a key needs no
 * database round trip. Correctness over speed: an entry is dropped when its owner changes (explicitly
 * on this replica, through PostgreSQL notifications from every replica); while notifications cannot
 * be received nothing cached is trusted; and a lookup that raced with a change is not stored.
 */
export class PrincipalCache<T extends { user_id: string }> {
  readonly #entries = new Map<string, { value: T; at: number }>();
  /** Bumped by every invalidation: a lookup that began before one must not be stored. */
  #epoch = 0;

  constructor(
    private readonly ttlMs: number,
    /** Whether invalidations are being received (PostgreSQL notifications connected). */
    private readonly trusted: () => boolean,
    private readonly maxEntries = 10_000,
  ) {}

  /** The cached value of `key`, if fresh and trusted. */
  get(key: string, now: number): T | undefined {
    if (this.ttlMs === 0 || !this.trusted()) return undefined;
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    if (now - entry.at < this.ttlMs) return entry.value;
    this.#entries.delete(key);
    return undefined;
  }

  /** Call before the lookup whose result goes to {@link set}. */
  begin(): number {
    return this.#epoch;
  }

  /** Stores a lookup's result unless an invalidation happened since {@link begin}. */
  set(key: string, value: T, epoch: number, now: number): void {
    if (this.ttlMs === 0 || epoch !== this.#epoch || !this.trusted()) return;
    if (this.#entries.size >= this.maxEntries) {
      // Oldest first (Map keeps insertion order).
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
    this.#entries.set(key, { value, at: now });
  }

  /** Drops every entry of a user (key revoked, user disabled, roles changed). */
  forgetUser(userId: string): void {
    this.#epoch++;
    for (const [key, entry] of this.#entries) if (entry.value.user_id === userId) this.#entries.delete(key);
  }

  /** Drops everything (notifications were interrupted: changes may have been missed). */
  clear(): void {
    this.#epoch++;
    this.#entries.clear();
  }
}
