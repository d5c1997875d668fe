import { randomUUID } from 'node:crypto';
import * as client from 'openid-client';
import type { Logger } from 'pino';
import type { AuditService } from '../../audit/index.js';
import type { Db } from '../../platform/db/knex.js';
import { AppError } from '../../platform/errors.js';
import { LoginFailure } from '../errors.js';
import type { SessionService } from '../sessions/service.js';
import { completeSignIn, recordSignInFailure } from '../sign-in/complete.js';
import { bindingOf, sha256Hex } from '../tokens.js';
import { readProfile } from './claims.js';
import type { OidcConnection, OidcConnections } from './connections.js';
import { authorizationRequest, discoveredClient, redeemCallback } from './exchange.js';
import { classifyLoginError } from './failures.js';
import {
  consumeLoginState,
  deleteExpiredLoginStates,
  insertLoginState,
  loginStateExists,
} from './login-states.js';
import { safeReturnTo } from './return-to.js';

export interface StartLogin {
  connection?: string | undefined;
  email?: string | undefined;
  returnTo?: string | undefined;
  /** The browser's existing sign-in binding cookie, reused so parallel sign-ins in tabs all work. */
  bindingToken?: string | undefined;
}

export interface FinishLogin {
  connection: string;
  /** The callback's query string: code, state, iss or error (RFC 6749 §4.1.2, RFC 9207). */
  query: URLSearchParams;
  bindingToken?: string | undefined;
  /** A session cookie the browser still holds; it is replaced, never reused (no session fixation). */
  previousSessionToken?: string | undefined;
  userAgent: string;
  ip?: string | undefined;
}

export interface OidcService {
  /** Builds the authorization request (code flow, PKCE S256, state, nonce) and remembers it once. */
  start(input: StartLogin): Promise<{ redirectUrl: string; bindingToken: string }>;
  /** Validates the callback, provisions the user, opens a session; audits success and failure. */
  finish(
    input: FinishLogin,
  ): Promise<{ sessionToken: string; sessionId: string; userId: string; returnTo: string }>;
  /** The IdP's RP-initiated logout URL for a connection (OpenID RP-Initiated Logout 1.0 §2), if any. */
  logoutUrl(connection: string | null): Promise<string | null>;
}

export interface OidcServiceDeps {
  db: Db;
  audit: AuditService;
  sessions: SessionService;
  connections: OidcConnections;
  publicUrl: string;
  loginTimeoutMs: number;
  log: Logger;
}

/** Creates the OIDC sign-in service (authorization code flow with PKCE, OIDC Core 1.0 §3.1). */
export function createOidcService(deps: OidcServiceDeps): OidcService {
  const { db, connections, log } = deps;

  const clientOf = (connection: OidcConnection) => discoveredClient(connection, log);

  async function complete(input: FinishLogin) {
    const connection = connections.byName(input.connection);
    if (!connection) throw new LoginFailure('SSO_UNKNOWN_CONNECTION', 'unknown_connection');
    const state = input.query.get('state');
    if (!state) throw new LoginFailure('SSO_STATE_MISMATCH', 'state_missing');
    // The state must come back to the browser that started the sign-in (RFC 6749 §10.12).
    const login = await consumeLoginState(db, sha256Hex(state), sha256Hex(input.bindingToken ?? ''));
    if (!login) {
      const foreign = await loginStateExists(db, sha256Hex(state));
      throw new LoginFailure('SSO_STATE_MISMATCH', foreign ? 'browser_mismatch' : 'state_unknown');
    }
    if (login.connection !== connection.name)
      throw new LoginFailure('SSO_STATE_MISMATCH', 'connection_mismatch');
    if (login.expires_at.getTime() <= Date.now())
      throw new LoginFailure('SSO_LOGIN_EXPIRED', 'login_expired');

    const config = await clientOf(connection);
    const { subject, claims } = await redeemCallback(config, connection, input.query, {
      state,
      nonce: login.nonce,
      codeVerifier: login.code_verifier,
    });
    const profile = readProfile(connection.config, subject, claims);
    if (typeof profile === 'string') throw new LoginFailure('SSO_FAILED', profile);
    const signedIn = await completeSignIn(deps, {
      method: 'oidc',
      mapping: connection.config,
      profile,
      previousSessionToken: input.previousSessionToken,
      userAgent: input.userAgent,
      ip: input.ip,
    });
    return { ...signedIn, returnTo: login.return_to };
  }

  return {
    async start(input) {
      const all = connections.list();
      const connection = input.connection
        ? connections.byName(input.connection)
        : input.email
          ? connections.byEmail(input.email)
          : all.length === 1
            ? all[0]
            : undefined;
      if (!connection) {
        throw new AppError(
          'SSO_UNKNOWN_CONNECTION',
          input.connection || !input.email ? undefined : 'No sign-in connection serves this e-mail domain.',
        );
      }
      const returnTo = safeReturnTo(input.returnTo, deps.publicUrl);
      if (returnTo === undefined) {
        throw new AppError('VALIDATION_FAILED', undefined, [
          { field: 'query.return_to', message: 'must be a path on this site, starting with a single /' },
        ]);
      }
      const config = await clientOf(connection);
      const request = await authorizationRequest(
        config,
        connection,
        input.email ? { login_hint: input.email } : {},
      );
      const bindingToken = bindingOf(input.bindingToken);
      const now = new Date();
      await deleteExpiredLoginStates(db, now);
      await insertLoginState(db, {
        id: randomUUID(),
        state_hash: sha256Hex(request.state),
        binding_hash: sha256Hex(bindingToken),
        connection: connection.name,
        nonce: request.nonce,
        code_verifier: request.codeVerifier,
        return_to: returnTo,
        expires_at: new Date(now.getTime() + deps.loginTimeoutMs),
      });
      return { redirectUrl: request.url, bindingToken };
    },

    async finish(input) {
      try {
        return await complete(input);
      } catch (err) {
        const failure = classifyLoginError(err);
        await recordSignInFailure(deps, failure, {
          method: 'oidc',
          connection: input.connection,
          ip: input.ip,
        });
        throw failure;
      }
    },

    async logoutUrl(name) {
      const connection = name ? connections.byName(name) : undefined;
      if (!connection) return null;
      try {
        const config = await connection.client();
        if (!config.serverMetadata().end_session_endpoint) return null;
        return client
          .buildEndSessionUrl(config, {
            client_id: connection.config.clientId,
            post_logout_redirect_uri: connection.postLogoutRedirectUri,
          })
          .toString();
      } catch (err) {
        log.warn({ err, connection: name }, 'IdP logout URL unavailable');
        return null;
      }
    },
  };
}
