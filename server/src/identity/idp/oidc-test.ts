import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Db } from '../../platform/db/knex.js';
import { LoginFailure } from '../errors.js';
import type { OidcConnection } from '../oidc/connections.js';
import { authorizationRequest, discoveredClient, redeemCallback } from '../oidc/exchange.js';
import { classifyLoginError } from '../oidc/failures.js';
import { previewSignIn } from './preview.js';
import type { Caller, TestRuns } from './test-runs.js';

/** A started test sign-in: where to send the browser. */
export interface StartedTest {
  id: string;
  redirectUrl: string;
  expiresAt: Date;
}

/**
 * The OIDC test sign-in: the real authorization code flow (PKCE, state, nonce, the connection's
 * registered redirect URI) with `prompt=login`, so the IdP asks who is signing in instead of
 * reusing its session (OIDC Core 1.0 §3.1.2.1), and its own state, so the callback can only
 * produce a test result.
 */
export function oidcTestLogin(deps: { db: Db; log: Logger; runs: TestRuns }) {
  const { db, log, runs } = deps;
  return {
    async start(connection: OidcConnection, startedBy: string, bindingToken: string): Promise<StartedTest> {
      const config = await discoveredClient(connection, log);
      const request = await authorizationRequest(config, connection, { prompt: 'login' });
      const id = randomUUID();
      const expiresAt = await runs.begin({
        id,
        connection: connection.name,
        protocol: 'oidc',
        startedBy,
        state: request.state,
        bindingToken,
        nonce: request.nonce,
        codeVerifier: request.codeVerifier,
      });
      return { id, redirectUrl: request.url, expiresAt };
    },

    /**
     * Finishes the test sign-in a callback belongs to; undefined when its state is not a test's
     * (a real sign-in then handles it).
     */
    async finish(
      connection: OidcConnection | undefined,
      input: { connection: string; query: URLSearchParams; bindingToken: string | undefined; caller: Caller },
    ): Promise<{ id: string } | undefined> {
      const state = input.query.get('state');
      const found = state ? await runs.find(state) : undefined;
      if (!state || !found) return undefined;
      const row = await runs.redeem(found, input.bindingToken, input.caller);
      try {
        runs.check(row, input.connection, 'oidc');
        if (!connection) throw new LoginFailure('SSO_UNKNOWN_CONNECTION', 'unknown_connection');
        const config = await discoveredClient(connection, log);
        const received = await redeemCallback(config, connection, input.query, {
          state,
          nonce: row.nonce ?? '',
          codeVerifier: row.code_verifier ?? '',
        });
        const preview = await previewSignIn(db, connection.config, received.subject, received.claims);
        await runs.succeed(
          row,
          input.caller.ip,
          {
            subject: received.subject,
            claims: received.claims,
            protocol: { id_token: received.idToken, userinfo: received.userinfo ?? null },
          },
          preview,
        );
      } catch (err) {
        await runs.fail(row, input.caller.ip, classifyLoginError(err));
      }
      return { id: row.id };
    },
  };
}
