import type { Logger } from 'pino';
import type { AuditService } from '../../audit/index.js';
import type { Db } from '../../platform/db/knex.js';
import type { ConnectionMapping } from '../config-shared.js';
import { LoginFailure } from '../errors.js';
import type { ExternalProfile } from '../oidc/claims.js';
import { grantsOf } from '../scim/grants.js';
import type { SessionService } from '../sessions/service.js';
import { findExistingUser, provisionUser } from '../users/provisioning.js';

/** What finishing an SSO sign-in needs, whatever the protocol. */
export interface SignInDeps {
  db: Db;
  audit: AuditService;
  sessions: SessionService;
  log: Logger;
}

/** A validated SSO sign-in to finish. */
export interface SignInInput {
  method: 'oidc' | 'saml';
  /** The connection's claim names and group mapping. */
  mapping: ConnectionMapping;
  profile: ExternalProfile;
  /** A session cookie the browser still holds; it is replaced, never reused (no session fixation). */
  previousSessionToken?: string | undefined;
  userAgent: string;
  ip?: string | undefined;
  /** Extra audit details of the successful sign-in. */
  details?: Record<string, string>;
  /** Runs in the sign-in transaction once the session exists (SAML records NameID and SessionIndex). */
  onSession?: (trx: Db, sessionId: string) => Promise<void>;
}

/** The session a sign-in opened. */
export interface SignedIn {
  sessionToken: string;
  sessionId: string;
  userId: string;
}

/**
 * Finishes a validated SSO sign-in in one transaction: refuses disabled users, provisions the user
 * just in time, syncs roles and teams from the groups (those of the sign-in and the user's SCIM
 * groups), refuses a user left without any role, replaces the browser's previous session with a new
 * one and records `auth.login`.
 */
export async function completeSignIn(deps: SignInDeps, input: SignInInput): Promise<SignedIn> {
  const { audit, sessions } = deps;
  const { profile, method } = input;
  const outcome = await deps.db.transaction(async (trx) => {
    const existing = await findExistingUser(trx, profile);
    if (existing?.status === 'disabled')
      return { refused: new LoginFailure('SSO_USER_DISABLED', 'user_disabled', existing.id) };
    const grants = await grantsOf(trx, input.mapping, existing?.id, profile.groups);
    const { user, roleCount } = await provisionUser(trx, audit, profile, grants, method);
    // The user is kept (an admin can pin a role), but without any role there is nothing to sign in to.
    if (roleCount === 0) return { refused: new LoginFailure('SSO_NOT_ENTITLED', 'not_entitled', user.id) };
    if (input.previousSessionToken) await sessions.discard(trx, input.previousSessionToken);
    const session = await sessions.start(trx, {
      userId: user.id,
      connection: profile.connection,
      userAgent: input.userAgent,
    });
    await input.onSession?.(trx, session.id);
    await audit.record(trx, {
      action: 'auth.login',
      outcome: 'success',
      actor: { type: 'user', id: user.id, ...(input.ip ? { ip: input.ip } : {}) },
      target: { type: 'session', id: session.id },
      details: { method, connection: profile.connection, roles: grants.roles, ...input.details },
    });
    return { session, userId: user.id };
  });
  if ('refused' in outcome) throw outcome.refused;
  return { sessionToken: outcome.session.token, sessionId: outcome.session.id, userId: outcome.userId };
}

/** Records a refused sign-in (`auth.login`, outcome failure) with its reason, and logs it. */
export async function recordSignInFailure(
  deps: Pick<SignInDeps, 'db' | 'audit' | 'log'>,
  failure: LoginFailure,
  where: { method: 'oidc' | 'saml'; connection: string; ip?: string | undefined },
): Promise<void> {
  deps.log.info(
    { method: where.method, connection: where.connection, reason: failure.reason, code: failure.code },
    'sign-in refused',
  );
  await deps.audit.record(deps.db, {
    action: 'auth.login',
    outcome: 'failure',
    actor: {
      type: failure.userId ? 'user' : 'anonymous',
      id: failure.userId ?? 'anonymous',
      ...(where.ip ? { ip: where.ip } : {}),
    },
    details: { method: where.method, connection: where.connection.slice(0, 64), reason: failure.reason },
  });
}
