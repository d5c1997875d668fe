import type { Db } from '../../platform/db/knex.js';
import { ROLES_JSON, type UserAuthColumns } from '../users/repository.js';

/** How a session ended (kept as sign-in history until the retention job deletes it). */
export type SessionEndReason = 'logout' | 'revoked' | 'expired' | 'idp_logout';

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
  ended_at: Date | null;
  end_reason: SessionEndReason | null;
}

/** A session with the user behind it, as resolved on every request. */
export type SessionAuthRow = Omit<SessionRow, 'token_hash' | 'ended_at' | 'end_reason'> & UserAuthColumns;

export async function insertSession(
  db: Db,
  session: Omit<SessionRow, 'last_seen_at' | 'ended_at' | 'end_reason'>,
): Promise<void> {
  await db('sessions').insert({ ...session, last_seen_at: session.created_at });
}

/** One indexed lookup: the live session, user status and role bindings together. */
export const findSessionForAuth = (db: Db, tokenHash: string) =>
  db('sessions as s')
    .join('users as u', 'u.id', 's.user_id')
    .where('s.token_hash', tokenHash)
    .whereNull('s.ended_at')
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

/** A user's live sessions, newest first. */
export const sessionsOf = (db: Db, userId: string) =>
  db<SessionRow>('sessions')
    .where({ user_id: userId })
    .whereNull('ended_at')
    .orderBy('created_at', 'desc') as Promise<SessionRow[]>;

/** Ends one live session; with `userId`, only if it belongs to that user. */
export async function endSession(
  db: Db,
  id: string,
  reason: SessionEndReason,
  userId?: string,
): Promise<SessionRow | undefined> {
  const [row] = (await db('sessions')
    .where({ id, ...(userId ? { user_id: userId } : {}) })
    .whereNull('ended_at')
    .update({ ended_at: db.fn.now(), end_reason: reason })
    .returning('*')) as SessionRow[];
  return row;
}

/** Ends every live session of a user; returns how many there were. */
export async function endSessionsOf(db: Db, userId: string, reason: SessionEndReason): Promise<number> {
  return db('sessions')
    .where({ user_id: userId })
    .whereNull('ended_at')
    .update({ ended_at: db.fn.now(), end_reason: reason });
}

/** Marks live sessions past their absolute or idle timeout as ended when they timed out. */
export async function endExpiredSessions(db: Db, now: Date, idleTimeoutMs: number): Promise<number> {
  const idleBefore = new Date(now.getTime() - idleTimeoutMs);
  return db('sessions')
    .whereNull('ended_at')
    .where((q) => q.where('expires_at', '<=', now).orWhere('last_seen_at', '<=', idleBefore))
    .update({
      ended_at: db.raw('least(expires_at, last_seen_at + make_interval(secs => ?))', [idleTimeoutMs / 1000]),
      end_reason: 'expired',
    });
}
