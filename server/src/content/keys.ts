/**
 * Content keys in use: the key-encryption key (KEK) from configuration or Vault, each owner's live
 * content key (created on first use), and a short-lived cache of unwrapped keys. Private material
 * is only ever in memory; the database holds wrapped keys.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Db } from '../platform/db/knex.js';
import { AppError } from '../platform/errors.js';
import { type ContentKey, kekIdOf, newContentKey, SealedFormatError, unwrapKey, wrapKey } from './crypto.js';
import {
  type ContentKeyRow,
  destroyLiveKey,
  findKeys,
  findLiveKey,
  insertLiveKey,
  keysNotUnder,
  type OwnerType,
  rewrapKey,
} from './key-repository.js';

/** Where the KEK came from; `none` means content cannot be retained (production without a key). */
export type KekSource = 'configured' | 'development' | 'none';

export interface ContentKeysOptions {
  /** The current KEK, or undefined when none is available. */
  kek: Buffer | undefined;
  source: KekSource;
  /** Earlier KEKs, accepted for unwrapping only. */
  previous: Buffer[];
  cacheTtlMs: number;
  log: Logger;
  now?: () => number;
}

interface Cached {
  /** Null: the key is destroyed. */
  key: ContentKey | null;
  at: number;
}

const CACHE_LIMIT = 10_000;

export class ContentKeys {
  readonly #kek: Buffer | undefined;
  readonly #kekId: string | undefined;
  readonly #unwrapWith: Map<string, Buffer>;
  readonly #byId = new Map<string, Cached>();
  readonly #live = new Map<string, Cached>();
  readonly #opts: ContentKeysOptions;

  constructor(opts: ContentKeysOptions) {
    this.#opts = opts;
    this.#kek = opts.kek;
    this.#kekId = opts.kek ? kekIdOf(opts.kek) : undefined;
    this.#unwrapWith = new Map(
      [...(opts.kek ? [opts.kek] : []), ...opts.previous].map((k) => [kekIdOf(k), k]),
    );
  }

  /** Whether content can be sealed at all (a KEK is available). */
  get available(): boolean {
    return this.#kek !== undefined;
  }

  get source(): KekSource {
    return this.#opts.source;
  }

  /** Public id of the current KEK (shown to admins so they can tell which key is in use). */
  get kekId(): string | undefined {
    return this.#kekId;
  }

  #now(): number {
    return (this.#opts.now ?? Date.now)();
  }

  #fresh(entry: Cached | undefined): entry is Cached {
    return entry !== undefined && this.#now() - entry.at < this.#opts.cacheTtlMs;
  }

  #remember(map: Map<string, Cached>, id: string, key: ContentKey | null): void {
    if (map.size >= CACHE_LIMIT) map.delete(map.keys().next().value as string);
    map.set(id, { key, at: this.#now() });
  }

  #unwrap(row: ContentKeyRow): ContentKey | null {
    if (row.wrapped === null || row.kek_id === null) return null;
    const kek = this.#unwrapWith.get(row.kek_id);
    if (!kek) {
      throw new AppError(
        'CONTENT_KEY_MISSING',
        `A content key is wrapped under key-encryption key ${row.kek_id}, which is not configured (content.previousKeyEncryptionKeys).`,
      );
    }
    try {
      return { id: row.id, key: unwrapKey(kek, row.wrapped, row.id, row.owner_type, row.owner_id) };
    } catch (err) {
      if (err instanceof SealedFormatError) {
        this.#opts.log.error({ keyId: row.id }, 'content key does not unwrap: the row was altered');
        throw new AppError('INTERNAL');
      }
      throw err;
    }
  }

  /** The owner's live key, created (wrapped under the KEK) on first use. */
  async liveKey(db: Db, ownerType: OwnerType, ownerId: string): Promise<ContentKey> {
    const kek = this.#kek;
    const kekId = this.#kekId;
    if (kek === undefined || kekId === undefined) throw new AppError('CONTENT_KEY_MISSING');
    const cacheKey = `${ownerType}:${ownerId}`;
    const cached = this.#live.get(cacheKey);
    if (this.#fresh(cached) && cached.key) return cached.key;
    let row = await findLiveKey(db, ownerType, ownerId);
    if (row === undefined) {
      const id = randomUUID();
      const wrapped = wrapKey(kek, newContentKey(), id, ownerType, ownerId);
      await insertLiveKey(db, { id, owner_type: ownerType, owner_id: ownerId, wrapped, kek_id: kekId });
      row = await findLiveKey(db, ownerType, ownerId);
      if (row === undefined) throw new Error('content key vanished after insert');
    }
    const key = this.#unwrap(row);
    if (key === null) throw new Error('live content key has no key material');
    this.#remember(this.#live, cacheKey, key);
    this.#remember(this.#byId, key.id, key);
    return key;
  }

  /** Keys by id (null for destroyed ones; absent ids are missing from the map). */
  async byIds(db: Db, ids: string[]): Promise<Map<string, ContentKey | null>> {
    const out = new Map<string, ContentKey | null>();
    const wanted: string[] = [];
    for (const id of new Set(ids)) {
      const cached = this.#byId.get(id);
      if (this.#fresh(cached)) out.set(id, cached.key);
      else wanted.push(id);
    }
    for (const row of await findKeys(db, wanted)) {
      const key = this.#unwrap(row);
      this.#remember(this.#byId, row.id, key);
      out.set(row.id, key);
    }
    return out;
  }

  /** Destroys the owner's live key (crypto-shredding); returns the ids of the destroyed keys. */
  async destroy(db: Db, ownerType: OwnerType, ownerId: string, by: string): Promise<string[]> {
    const ids = await destroyLiveKey(db, ownerType, ownerId, by);
    this.#live.delete(`${ownerType}:${ownerId}`);
    for (const id of ids) this.#byId.delete(id);
    return ids;
  }

  /** Re-wraps every live content key still under an earlier KEK; returns how many were moved. */
  async rewrapAll(db: Db, pageSize = 500): Promise<number> {
    const kek = this.#kek;
    const kekId = this.#kekId;
    if (kek === undefined || kekId === undefined) throw new AppError('CONTENT_KEY_MISSING');
    let moved = 0;
    for (;;) {
      const rows = await keysNotUnder(db, kekId, pageSize);
      if (rows.length === 0) return moved;
      for (const row of rows) {
        const key = this.#unwrap(row);
        if (key === null) continue;
        await rewrapKey(db, row.id, wrapKey(kek, key.key, row.id, row.owner_type, row.owner_id), kekId);
        moved++;
      }
    }
  }
}
