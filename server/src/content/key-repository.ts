/** SQL of `content_keys`: wrapped per-owner content keys (crypto-shredding, see crypto.ts). */
import type { Db } from '../platform/db/knex.js';

export type OwnerType = 'user' | 'team';

export interface ContentKeyRow {
  id: string;
  owner_type: OwnerType;
  owner_id: string;
  /** Null once destroyed. */
  wrapped: Buffer | null;
  kek_id: string | null;
  created_at: Date;
  destroyed_at: Date | null;
}

const COLUMNS = ['id', 'owner_type', 'owner_id', 'wrapped', 'kek_id', 'created_at', 'destroyed_at'];

/** The owner's live (not destroyed) key, if any. */
export async function findLiveKey(
  db: Db,
  ownerType: OwnerType,
  ownerId: string,
): Promise<ContentKeyRow | undefined> {
  return db('content_keys')
    .where({ owner_type: ownerType, owner_id: ownerId })
    .whereNull('destroyed_at')
    .first(COLUMNS) as Promise<ContentKeyRow | undefined>;
}

/**
 * Inserts a live key unless the owner already has one (another request or replica won the race);
 * the caller reads the live key afterwards either way.
 */
export async function insertLiveKey(
  db: Db,
  row: { id: string; owner_type: OwnerType; owner_id: string; wrapped: Buffer; kek_id: string },
): Promise<void> {
  await db.raw(
    `insert into content_keys (id, owner_type, owner_id, wrapped, kek_id) values (?, ?, ?, ?, ?)
       on conflict (owner_type, owner_id) where destroyed_at is null do nothing`,
    [row.id, row.owner_type, row.owner_id, row.wrapped, row.kek_id],
  );
}

export async function findKeys(db: Db, ids: string[]): Promise<ContentKeyRow[]> {
  if (ids.length === 0) return [];
  return db('content_keys').whereIn('id', ids).select(COLUMNS) as Promise<ContentKeyRow[]>;
}

/** Destroys the owner's live key for good; returns how many were destroyed (0 or 1). */
export async function destroyLiveKey(
  db: Db,
  ownerType: OwnerType,
  ownerId: string,
  destroyedBy: string,
): Promise<string[]> {
  const rows = (await db('content_keys')
    .where({ owner_type: ownerType, owner_id: ownerId })
    .whereNull('destroyed_at')
    .update({ wrapped: null, kek_id: null, destroyed_at: db.fn.now(), destroyed_by: destroyedBy })
    .returning('id')) as Array<{ id: string }>;
  return rows.map((r) => r.id);
}

/** Live keys wrapped under another KEK than `kekId`, a page at a time (re-wrapping). */
export async function keysNotUnder(db: Db, kekId: string, limit: number): Promise<ContentKeyRow[]> {
  return db('content_keys')
    .whereNull('destroyed_at')
    .whereNot('kek_id', kekId)
    .orderBy('id')
    .limit(limit)
    .select(COLUMNS) as Promise<ContentKeyRow[]>;
}

export async function rewrapKey(db: Db, id: string, wrapped: Buffer, kekId: string): Promise<void> {
  await db('content_keys').where({ id }).whereNull('destroyed_at').update({ wrapped, kek_id: kekId });
}
