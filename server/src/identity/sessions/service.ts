import { randomUUID } from 'node:crypto';
import type { Response } from 'express';
import type { AuditService } from '../../audit/index.js';
import type { Db } from '../../platform/db/knex.js';
import { appError } from '../../platform/errors.js';
import type { AuthConfig } from '../config-schema.js';
import { cookieNames, serializeCookie } from '../cookies.js';
import { type Actor, audited } from '../principal.js';
import { csrfTokenOf, randomToken, sha256Hex } from '../tokens.js';
import {
  endExpiredSessions,
  endSession,
  endSessionsOf,
  findSessionForAuth,
  insertSession,
  type SessionAuthRow,
  type SessionRow,
  sessionsOf,
  touchSession,
} from './repository.js';

/** Result of resolving a session cookie. */
export type SessionLookup = { session: SessionAuthRow; csrfToken: string } | { expired: true };

export interface SessionService {
  readonly cookieName: string;
  /** Creates a session for a signed-in user (inside the sign-in transaction); returns the cookie token. */
  start(
    trx: Db,
    input: { userId: string; connection: string; userAgent: string },
  ): Promise<{ token: string; id: string }>;
  /** Resolves a cookie token: the session and its user, or expired (unknown, timed out, disabled user). */
  resolve(token: string): Promise<SessionLookup>;
  /** Ends the session a cookie token names, if any (sign-in replaces an old session: no fixation). */
  discard(trx: Db, token: string): Promise<void>;
  listOwn(userId: string): Promise<SessionRow[]>;
  /** Revokes one of the actor's own sessions; NOT_FOUND if it is not theirs. */
  revokeOwn(actor: Actor, sessionId: string): Promise<void>;
  /** Signs out: ends the current session and records auth.logout. */
  logout(actor: Actor, sessionId: string): Promise<SessionRow | undefined>;
  /** Revokes every session of a user (admin action, or part of disabling a user) in `trx`. */
  revokeAllOf(trx: Db, actor: Actor, userId: string): Promise<number>;
  /** Idle deadline of a session row. */
  idleExpiresAt(row: Pick<SessionRow, 'last_seen_at'>): Date;
  setCookie(res: Response, token: string): void;
  clearCookie(res: Response): void;
}

export interface SessionServiceDeps {
  db: Db;
  audit: AuditService;
  config: AuthConfig['session'];
}

/** Session user agents are shown to their owner in the session list; long ones are cut. */
const MAX_USER_AGENT = 512;

/** Creates the session service: PostgreSQL-backed sessions with idle and absolute timeouts. */
export function createSessionService({ db, audit, config }: SessionServiceDeps): SessionService {
  const { session: cookieName } = cookieNames(config.insecureCookies);
  // last_seen_at is written at most this often, so most requests only read.
  const touchIntervalMs = Math.min(60_000, Math.floor(config.idleTimeoutMs / 4));
  const idleExpiresAt = (row: Pick<SessionRow, 'last_seen_at'>) =>
    new Date(row.last_seen_at.getTime() + config.idleTimeoutMs);

  return {
    cookieName,
    idleExpiresAt,

    async start(trx, input) {
      const now = new Date();
      await endExpiredSessions(trx, now, config.idleTimeoutMs);
      const token = randomToken();
      const id = randomUUID();
      await insertSession(trx, {
        id,
        user_id: input.userId,
        token_hash: sha256Hex(token),
        connection: input.connection,
        user_agent: input.userAgent.slice(0, MAX_USER_AGENT),
        created_at: now,
        expires_at: new Date(now.getTime() + config.absoluteTimeoutMs),
      });
      return { token, id };
    },

    async resolve(token) {
      const session = await findSessionForAuth(db, sha256Hex(token));
      if (!session) return { expired: true };
      const now = new Date();
      const timedOut =
        session.expires_at.getTime() <= now.getTime() || idleExpiresAt(session).getTime() <= now.getTime();
      if (timedOut) {
        await endSession(db, session.id, 'expired');
        return { expired: true };
      }
      // Disabling a user deletes their sessions; the status check covers a concurrent request.
      if (session.status !== 'active') return { expired: true };
      if (now.getTime() - session.last_seen_at.getTime() >= touchIntervalMs)
        await touchSession(db, session.id, now);
      return { session, csrfToken: csrfTokenOf(token) };
    },

    async discard(trx, token) {
      const found = await findSessionForAuth(trx, sha256Hex(token));
      if (found) await endSession(trx, found.id, 'logout');
    },

    listOwn: (userId) => sessionsOf(db, userId),

    async revokeOwn(actor, sessionId) {
      await db.transaction(async (trx) => {
        const row = await endSession(trx, sessionId, 'revoked', actor.userId);
        if (!row) throw appError('NOT_FOUND', 'No such session.');
        await audit.record(
          trx,
          audited(actor, {
            action: 'auth.session_revoked',
            outcome: 'success',
            target: { type: 'session', id: row.id },
            details: { user_id: row.user_id, count: 1 },
          }),
        );
      });
    },

    async logout(actor, sessionId) {
      return db.transaction(async (trx) => {
        const row = await endSession(trx, sessionId, 'logout', actor.userId);
        if (row) {
          await audit.record(
            trx,
            audited(actor, {
              action: 'auth.logout',
              outcome: 'success',
              target: { type: 'session', id: row.id },
              details: { connection: row.connection },
            }),
          );
        }
        return row;
      });
    },

    async revokeAllOf(trx, actor, userId) {
      const count = await endSessionsOf(trx, userId, 'revoked');
      await audit.record(
        trx,
        audited(actor, {
          action: 'auth.session_revoked',
          outcome: 'success',
          target: { type: 'user', id: userId },
          details: { user_id: userId, count },
        }),
      );
      return count;
    },

    setCookie(res, token) {
      res.append(
        'set-cookie',
        serializeCookie(cookieName, token, {
          secure: !config.insecureCookies,
          maxAgeSeconds: Math.floor(config.absoluteTimeoutMs / 1000),
        }),
      );
    },

    clearCookie(res) {
      res.append(
        'set-cookie',
        serializeCookie(cookieName, '', { secure: !config.insecureCookies, maxAgeSeconds: 0 }),
      );
    },
  };
}
