import type { Db } from '../../platform/db/knex.js';
import type { ApiKeyScope } from '../rbac.js';
import { ROLES_JSON, TEAMS_JSON, type UserAuthColumns } from '../users/repository.js';

/** An `api_keys` row. `key_hash` never leaves the repository and service (presenters drop it). */
export interface ApiKeyRow {
  id: string;
  user_id: string;
  name: string;
  prefix: string;
  key_hash: string;
  scopes: ApiKeyScope[];
  created_at: Date;
  expires_at: Date | null;
  last_used_at: Date | null;
  revoked_at: Date | null;
  revoked_by: string | null;
}

/** A key with its owner, as resolved on every request that carries one. */
export type ApiKeyAuthRow = Pick<ApiKeyRow, 'id' | 'scopes' | 'expires_at' | 'revoked_at' | 'last_used_at'> &
  UserAuthColumns;

export type KeyStatus = 'active' | 'expired' | 'revoked';

export async function insertKey(db: Db, key: Omit<ApiKeyRow, 'last_used_at' | 'revoked_at' | 'revoked_by'>) {
  const [row] = await db<ApiKeyRow>('api_keys').insert(key).returning('*');
  return row as ApiKeyRow;
}

/** One indexed lookup: key, owner status and owner's role bindings together. */
export const findKeyForAuth = (db: Db, keyHash: string) =>
  db('api_keys as k')
    .join('users as u', 'u.id', 'k.user_id')
    .where('k.key_hash', keyHash)
    .first(
      'k.id',
      'k.scopes',
      'k.expires_at',
      'k.revoked_at',
      'k.last_used_at',
      'k.user_id',
      'u.email',
      'u.name',
      'u.status',
      db.raw(`${ROLES_JSON} as roles`),
      db.raw(`${TEAMS_JSON} as teams`),
    ) as Promise<ApiKeyAuthRow | undefined>;

/** Sets last_used_at unless another request already did within `intervalMs` (one write per interval). */
export async function touchKey(db: Db, id: string, now: Date, intervalMs: number): Promise<void> {
  await db('api_keys')
    .where({ id })
    .andWhere((w) =>
      w.whereNull('last_used_at').orWhere('last_used_at', '<', new Date(now.getTime() - intervalMs)),
    )
    .update({ last_used_at: now });
}

export interface KeyQuery {
  userId?: string | undefined;
  status?: KeyStatus | 'all' | undefined;
  limit: number;
  offset: number;
}

/** Keys (newest first) filtered by owner and status, with the total count. */
export async function listKeys(
  db: Db,
  query: KeyQuery,
  now: Date,
): Promise<{ rows: ApiKeyRow[]; total: number }> {
  const base = db<ApiKeyRow>('api_keys').modify((q) => {
    if (query.userId) q.where({ user_id: query.userId });
    if (query.status === 'revoked') q.whereNotNull('revoked_at');
    if (query.status === 'active')
      q.whereNull('revoked_at').andWhere((w) => w.whereNull('expires_at').orWhere('expires_at', '>', now));
    if (query.status === 'expired') q.whereNull('revoked_at').andWhere('expires_at', '<=', now);
  });
  // Sequential: `db` may be a transaction, whose one connection runs one query at a time.
  const rows = await base
    .clone()
    .orderBy([{ column: 'created_at', order: 'desc' }, 'id'])
    .limit(query.limit)
    .offset(query.offset);
  const count = await base.clone().count<Array<{ count: string }>>({ count: '*' });
  return { rows: rows as ApiKeyRow[], total: Number(count[0]?.count ?? 0) };
}

/** Revokes a key that is not yet revoked; with `userId`, only the user's own. */
export async function revokeKey(
  db: Db,
  id: string,
  by: string,
  userId?: string,
): Promise<ApiKeyRow | undefined> {
  const [row] = await db<ApiKeyRow>('api_keys')
    .where({ id, ...(userId ? { user_id: userId } : {}) })
    .whereNull('revoked_at')
    .update({ revoked_at: new Date(), revoked_by: by })
    .returning('*');
  return row as ApiKeyRow | undefined;
}

export const findKey = (db: Db, id: string) =>
  db<ApiKeyRow>('api_keys').where({ id }).first() as Promise<ApiKeyRow | undefined>;

/** Revokes every live key of a user; returns how many. */
export async function revokeKeysOf(db: Db, userId: string, by: string): Promise<number> {
  return db('api_keys')
    .where({ user_id: userId })
    .whereNull('revoked_at')
    .update({ revoked_at: new Date(), revoked_by: by });
}

/** The status of a key at `now`. */
export function keyStatus(row: Pick<ApiKeyRow, 'revoked_at' | 'expires_at'>, now: Date): KeyStatus {
  if (row.revoked_at) return 'revoked';
  if (row.expires_at && row.expires_at.getTime() <= now.getTime()) return 'expired';
  return 'active';
}
