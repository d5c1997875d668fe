import { randomUUID } from 'node:crypto';
import type { AuditInput, AuditService } from '../../audit/index.js';
import type { Db } from '../../platform/db/knex.js';
import { AppError } from '../../platform/errors.js';
import type { AuthConfig } from '../config-schema.js';
import { hitRateLimit } from '../rate-limit.js';
import type { SessionService } from '../sessions/service.js';
import { safeEqual } from '../tokens.js';
import { findUserByEmail, insertUser, setUserStatus } from '../users/repository.js';
import { bindingsOf, pinBinding } from '../users/role-bindings.js';
import { BOOTSTRAP_ADMIN_EMAIL, consumeBootstrapToken } from './bootstrap.js';
import { verifyPassword } from './password.js';

/** Where a local sign-in comes from. */
export interface LocalSignIn {
  previousSessionToken?: string | undefined;
  userAgent: string;
  ip?: string | undefined;
}

/** Sign-ins that do not go through an IdP. */
export interface LocalAuthService {
  /** Uses a bootstrap link: signs in (creating if needed) its account as admin. */
  bootstrap(token: string, from: LocalSignIn): Promise<{ sessionToken: string; userId: string }>;
  /** The break-glass administrator's password sign-in: off unless enabled, rate-limited, audited. */
  breakGlass(
    credentials: { username: string; password: string },
    from: LocalSignIn,
  ): Promise<{ sessionToken: string; userId: string }>;
}

/** Break-glass attempts per client address (pseudonymised) per 15 minutes. */
const BREAK_GLASS_LIMIT = { limit: 5, windowMs: 900_000 };
/** A well-formed hash to spend the same time on when the user name is wrong or no hash is set. */
const DUMMY_HASH = `scrypt$32768$8$1$${Buffer.alloc(16).toString('base64')}$${Buffer.alloc(32).toString('base64')}`;

/** Creates the local sign-ins that work without SSO: the bootstrap link and the break-glass admin. */
export function createLocalAuthService(deps: {
  db: Db;
  audit: AuditService;
  sessions: SessionService;
  breakGlass: AuthConfig['breakGlass'];
}): LocalAuthService {
  const { db, audit, sessions, breakGlass } = deps;

  /** Makes the account an admin (pinned, so group mapping never removes it) and opens a session. */
  async function adminSession(
    trx: Db,
    account: { email: string; name: string; connection: string; grantedBy: string },
    from: LocalSignIn,
  ) {
    const system: AuditInput['actor'] = { type: 'system', id: account.connection };
    let user = await findUserByEmail(trx, account.email);
    if (!user) {
      user = await insertUser(trx, { id: randomUUID(), email: account.email, name: account.name });
      await audit.record(trx, {
        action: 'user.created',
        outcome: 'success',
        actor: system,
        target: { type: 'user', id: user.id },
        details: { source: account.connection },
      });
    }
    if (user.status === 'disabled') {
      await setUserStatus(trx, user.id, 'active');
      await audit.record(trx, {
        action: 'user.enabled',
        outcome: 'success',
        actor: system,
        target: { type: 'user', id: user.id },
      });
    }
    const pinned = (await bindingsOf(trx, user.id)).some((b) => b.role === 'admin' && b.source === 'admin');
    if (!pinned) {
      await pinBinding(trx, { userId: user.id, role: 'admin', teamId: null, by: account.grantedBy });
      await audit.record(trx, {
        action: 'role.granted',
        outcome: 'success',
        actor: system,
        target: { type: 'user', id: user.id },
        details: { role: 'admin', team_id: null, source: 'admin' },
      });
    }
    if (from.previousSessionToken) await sessions.discard(trx, from.previousSessionToken);
    const session = await sessions.start(trx, {
      userId: user.id,
      connection: account.connection,
      userAgent: from.userAgent,
    });
    await audit.record(trx, {
      action: 'auth.login',
      outcome: 'success',
      actor: { type: 'user', id: user.id, ...(from.ip ? { ip: from.ip } : {}) },
      target: { type: 'session', id: session.id },
      details: { method: account.connection, roles: ['admin'] },
    });
    return { sessionToken: session.token, userId: user.id };
  }

  const refused = (
    action: 'auth.bootstrap' | 'auth.break_glass',
    outcome: 'failure' | 'denied',
    reason: string,
    ip?: string,
  ) =>
    audit.record(db, {
      action,
      outcome,
      actor: { type: 'anonymous', id: 'anonymous', ...(ip ? { ip } : {}) },
      details: { reason },
    });

  return {
    async bootstrap(token, from) {
      const row = await consumeBootstrapToken(db, token);
      if (!row) {
        await refused('auth.bootstrap', 'failure', 'token_invalid', from.ip);
        throw new AppError('BOOTSTRAP_TOKEN_INVALID');
      }
      return db.transaction(async (trx) => {
        const email = row.email ?? BOOTSTRAP_ADMIN_EMAIL;
        const name = row.email ? (row.email.split('@')[0] ?? row.email) : 'Bootstrap administrator';
        const signedIn = await adminSession(
          trx,
          { email, name, connection: 'bootstrap', grantedBy: row.id },
          from,
        );
        await trx('bootstrap_tokens').where({ id: row.id }).update({ used_by: signedIn.userId });
        await audit.record(trx, {
          action: 'auth.bootstrap',
          outcome: 'success',
          actor: { type: 'user', id: signedIn.userId, ...(from.ip ? { ip: from.ip } : {}) },
          target: { type: 'bootstrap_token', id: row.id },
          details: { stage: 'used' },
        });
        return signedIn;
      });
    },

    async breakGlass(credentials, from) {
      const client = from.ip ? audit.hmac(from.ip) : 'unknown';
      try {
        await hitRateLimit(db, `break-glass:${client}`, BREAK_GLASS_LIMIT);
      } catch (err) {
        await refused('auth.break_glass', 'denied', 'rate_limited', from.ip);
        throw err;
      }
      if (!breakGlass.enabled) {
        await refused('auth.break_glass', 'denied', 'disabled', from.ip);
        throw new AppError('BREAK_GLASS_DISABLED');
      }
      // Always one scrypt computation, so a wrong user name takes as long as a wrong password.
      const nameMatches = safeEqual(credentials.username.toLowerCase(), breakGlass.username);
      const passwordMatches = await verifyPassword(
        credentials.password,
        nameMatches && breakGlass.passwordHash ? breakGlass.passwordHash : DUMMY_HASH,
      );
      if (!nameMatches || !passwordMatches || !breakGlass.passwordHash) {
        await refused('auth.break_glass', 'failure', 'bad_credentials', from.ip);
        throw new AppError('BREAK_GLASS_REFUSED');
      }
      return db.transaction(async (trx) => {
        const account = {
          email: `${breakGlass.username}@break-glass.invalid`,
          name: 'Break-glass administrator',
          connection: 'break-glass',
          grantedBy: '00000000-0000-0000-0000-000000000000',
        };
        const signedIn = await adminSession(trx, account, from);
        await audit.record(trx, {
          action: 'auth.break_glass',
          outcome: 'success',
          actor: { type: 'user', id: signedIn.userId, ...(from.ip ? { ip: from.ip } : {}) },
          details: { username: breakGlass.username },
        });
        return signedIn;
      });
    },
  };
}
