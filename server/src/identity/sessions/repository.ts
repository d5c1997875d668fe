import type { Db } from '../../platform/db/knex.js';
import { ROLES_JSON, type UserAuthColumns } from '../users/repository.js';

/** A `sessions` row (the token itself is never stored, only its SHA-256). */
export interface SessionRow {
  id: string;
  user_id: string;
  token_hash: string;
  connection: string | null;
  user_agent: string;
  created_at: Date;
  last_seen_at: Date;
  expires_at: Date;
}

/** A session with the user behind it, as resolved on every request. */
export type SessionAuthRow = Omit<SessionRow, 'token_hash'> & UserAuthColumns;

export async function insertSession(db: Db, session: Omit<SessionRow, 'last_seen_at'>): Promise<void> {
  await db('sessions').insert({ ...session, last_seen_at: session.created_at });
}

/** One indexed lookup: session, user status and role bindings together. */
export const findSessionForAuth = (db: Db, tokenHash: string) =>
  db('sessions as s')
    .join('users as u', 'u.id', 's.user_id')
    .where('s.token_hash', tokenHash)
    .first(
      's.id',
      's.user_id',
      's.connection',
      's.user_agent',
      's.created_at',
      's.last_seen_at',
      's.expires_at',
      'u.email',
      'u.name',
      'u.status',
      db.raw(`${ROLES_JSON} as roles`),
    ) as Promise<SessionAuthRow | undefined>;

/** Records activity; called at most once per interval per session so reads stay reads. */
export async function touchSession(db: Db, id: string, now: Date): Promise<void> {
  await db('sessions').where({ id }).update({ last_seen_at: now });
}

export const sessionsOf = (db: Db, userId: string) =>
  db<SessionRow>('sessions').where({ user_id: userId }).orderBy('created_at', 'desc') as Promise<
    SessionRow[]
  >;

/** Deletes one session; with `userId`, only if it belongs to that user. */
export async function deleteSession(db: Db, id: string, userId?: string): Promise<SessionRow | undefined> {
  const [row] = await db<SessionRow>('sessions')
    .where({ id, ...(userId ? { user_id: userId } : {}) })
    .delete()
    .returning('*');
  return row as SessionRow | undefined;
}

/** Deletes every session of a user; returns how many there were. */
export async function deleteSessionsOf(db: Db, userId: string): Promise<number> {
  return db('sessions').where({ user_id: userId }).delete();
}

/** Removes sessions past their absolute or idle timeout. */
export async function deleteExpiredSessions(db: Db, now: Date, idleTimeoutMs: number): Promise<number> {
  return db('sessions')
    .where('expires_at', '<=', now)
    .orWhere('last_seen_at', '<=', new Date(now.getTime() - idleTimeoutMs))
    .delete();
}
