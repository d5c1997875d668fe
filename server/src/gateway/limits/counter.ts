import type { Reservation } from './counter-repository.js';
import { type LimitMetric, windowOf } from './windows.js';

/** How a replica reserves capacity from the shared counters. */
export interface LeasePolicy {
  /** Share of the window's remaining capacity taken at once. */
  fraction: number;
  /** Most units taken at once. */
  max: number;
  /** An exhausted window is asked about again after this long. */
  recheckMs: number;
}

/** The shared store of window counters (PostgreSQL in the gateway). */
export type ReserveFn = (r: Reservation) => Promise<{ used: number; granted: number }>;

/**
 * A fixed-window limit shared by every appliance replica, counted in PostgreSQL but consumed
 * locally: the replica reserves a share of the remaining capacity in one atomic statement (a lease)
 * and serves requests from it without further round trips. The sum of all leases never exceeds the
 * limit, so the limit holds across replicas; leases shrink as the window fills (a share of what is
 * left), so the last units are handed out one by one. Unused leases lapse with their window.
 */
export class LeasedCounter {
  private start = 0;
  private end = 0;
  /** Reserved by this replica in the current window and not yet consumed. */
  private available = 0;
  /** The shared `used` value after this replica's last statement. */
  private lastUsed = 0;
  private exhaustedUntil = 0;
  private pending: Promise<void> | undefined;
  limit: number;

  constructor(
    readonly subject: string,
    readonly metric: LimitMetric,
    limit: number,
    private readonly reserveFn: ReserveFn,
    private readonly policy: LeasePolicy,
    private readonly now: () => number = Date.now,
  ) {
    this.limit = limit;
    this.roll();
  }

  private roll(): void {
    const now = this.now();
    if (now < this.end) return;
    const w = windowOf(this.metric, now);
    this.start = w.start;
    this.end = w.end;
    this.available = 0;
    this.lastUsed = 0;
    this.exhaustedUntil = 0;
  }

  /** Milliseconds until the current window ends. */
  resetInMs(): number {
    this.roll();
    return this.end - this.now();
  }

  /** Units left in the window as far as this replica knows (others' leases count as used). */
  remaining(): number {
    this.roll();
    return Math.max(0, this.limit - (this.lastUsed - this.available));
  }

  /** Whether the window ended and nothing is held: the counter can be forgotten. */
  idle(): boolean {
    return this.now() >= this.end && this.pending === undefined;
  }

  /** Units reserved beyond the immediate need: a share of what is left, so small limits stay exact. */
  private leaseSize(): number {
    const left = Math.max(0, this.limit - this.lastUsed);
    return Math.min(this.policy.max, Math.floor(left * this.policy.fraction));
  }

  private async statement(force: number, want: number): Promise<void> {
    const start = this.start;
    const result = await this.reserveFn({
      subject: this.subject,
      metric: this.metric,
      windowStart: new Date(start),
      expiresAt: new Date(this.end + 86_400_000),
      force,
      want,
      limit: this.limit,
    });
    if (start !== this.start) return; // The window rolled meanwhile: the old one is gone anyway.
    this.available += result.granted;
    this.lastUsed = Math.max(this.lastUsed, result.used);
    if (result.granted < want) this.exhaustedUntil = this.now() + this.policy.recheckMs;
  }

  /**
   * Makes sure `n` units are available, reserving more if needed; takes them when `consume`.
   * False when the window cannot provide them (nothing is taken then).
   */
  async acquire(n: number, consume: boolean): Promise<boolean> {
    // Waiting for another request's reservation is free; this request's own statements are bounded.
    for (let own = 0; ; ) {
      this.roll();
      if (this.available >= n) {
        if (consume) this.available -= n;
        return true;
      }
      if (this.now() < this.exhaustedUntil) return false;
      if (this.pending) {
        await this.pending;
        continue;
      }
      if (own >= 2) return false;
      own++;
      const deficit = n - this.available;
      this.pending = this.statement(0, deficit + this.leaseSize()).finally(() => {
        this.pending = undefined;
      });
      await this.pending;
    }
  }

  /** Returns units taken by {@link acquire} that were not used after all (same window only). */
  refund(n: number, windowStart: number): void {
    if (windowStart === this.start) this.available += n;
  }

  /** Start of the current window (for {@link refund}). */
  get windowStart(): number {
    this.roll();
    return this.start;
  }

  /**
   * Counts `n` units already spent (tokens reported after the call): taken from the lease, the rest
   * added to the shared counter unconditionally (with a new lease in the same statement).
   */
  async charge(n: number): Promise<void> {
    this.roll();
    if (this.available >= n) {
      this.available -= n;
      return;
    }
    const deficit = n - this.available;
    this.available = 0;
    await this.statement(deficit, this.leaseSize());
  }

  /** Unused reserved capacity of the current window, to give back on shutdown. */
  takeUnused(): { windowStart: Date; amount: number } | undefined {
    this.roll();
    if (this.available <= 0) return undefined;
    const amount = this.available;
    this.available = 0;
    return { windowStart: new Date(this.start), amount };
  }
}
