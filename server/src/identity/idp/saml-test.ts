import { randomUUID } from 'node:crypto';
import type { CacheProvider } from '@node-saml/node-saml';
import type { Logger } from 'pino';
import type { Db } from '../../platform/db/knex.js';
import { LoginFailure } from '../errors.js';
import {
  acceptAssertion,
  claimsOf,
  type PostedResponse,
  readPostedResponse,
  refuseKnownReplay,
  resolveIdp,
  verifyResponse,
} from '../saml/assertion.js';
import { newMessageId, type SamlConnection } from '../saml/connections.js';
import { classifySamlError } from '../saml/failures.js';
import { sha256Hex } from '../tokens.js';
import type { StartedTest } from './oidc-test.js';
import { previewSignIn } from './preview.js';
import type { Caller, TestRuns } from './test-runs.js';

/** Nothing to remember: the test sign-in row holds the AuthnRequest's ID. */
const noCache: CacheProvider = {
  saveAsync: async () => null,
  getAsync: async () => null,
  removeAsync: async () => null,
};

/**
 * The request-id check node-saml runs on the Response (`validateInResponseTo: always`): only the
 * AuthnRequest of this test sign-in is a valid InResponseTo.
 */
const testRequestCache = (stateHash: string, createdAt: Date): CacheProvider => ({
  saveAsync: async () => null,
  getAsync: async (key) => (sha256Hex(key) === stateHash ? createdAt.toISOString() : null),
  removeAsync: async (key) => key,
});

/** The posted Response, or undefined when it cannot even be read (the real ACS then refuses it). */
function tryRead(body: Record<string, unknown>): PostedResponse | undefined {
  try {
    return readPostedResponse(body);
  } catch {
    return undefined;
  }
}

/**
 * The SAML test sign-in: a signed AuthnRequest with ForceAuthn (SAML 2.0 core §3.4.1) whose ID is
 * the test's own state, answered at the connection's ACS and checked exactly as a sign-in is
 * (signatures, InResponseTo, audience, destination, issuer, time, replay), without a session.
 */
export function samlTestLogin(deps: { db: Db; log: Logger; runs: TestRuns; ttlMs: number }) {
  const { db, log, runs, ttlMs } = deps;
  return {
    async start(connection: SamlConnection, startedBy: string, bindingToken: string): Promise<StartedTest> {
      const idp = await resolveIdp(connection, log);
      const requestId = newMessageId();
      const id = randomUUID();
      const expiresAt = await runs.begin({
        id,
        connection: connection.name,
        protocol: 'saml',
        startedBy,
        state: requestId,
        bindingToken,
      });
      // SAML 2.0 bindings §3.4.4.1: DEFLATE, base64, signed query string (SigAlg, Signature).
      const redirectUrl = await connection
        .saml(idp, noCache, { requestId, ttlMs, forceAuthn: true })
        .getAuthorizeUrlAsync('', undefined, {});
      return { id, redirectUrl, expiresAt };
    },

    /**
     * Finishes the test sign-in a Response answers; undefined when it answers no test (a real
     * sign-in then handles it).
     */
    async finish(
      connection: SamlConnection | undefined,
      input: {
        connection: string;
        body: Record<string, unknown>;
        bindingToken: string | undefined;
        caller: Caller;
      },
    ): Promise<{ id: string } | undefined> {
      const posted = tryRead(input.body);
      const found = posted?.inResponseTo ? await runs.find(posted.inResponseTo) : undefined;
      if (!posted || !found) return undefined;
      try {
        await refuseKnownReplay(db, found.connection, posted);
      } catch (err) {
        if (err instanceof LoginFailure) await runs.refuse(found, input.caller, err);
        throw err;
      }
      const row = await runs.redeem(found, input.bindingToken, input.caller);
      try {
        runs.check(row, input.connection, 'saml');
        if (!connection) throw new LoginFailure('SSO_UNKNOWN_CONNECTION', 'unknown_connection');
        const idp = await resolveIdp(connection, log);
        const cache = testRequestCache(row.state_hash, row.created_at);
        const { profile, facts } = await verifyResponse(connection, idp, cache, posted, ttlMs);
        await acceptAssertion(db, connection, facts);
        const claims = claimsOf(connection, profile);
        const preview = await previewSignIn(db, connection.config, profile.nameID, claims);
        await runs.succeed(
          row,
          input.caller.ip,
          {
            subject: profile.nameID,
            claims,
            protocol: {
              name_id: profile.nameID,
              name_id_format: profile.nameIDFormat ?? null,
              session_index: profile.sessionIndex ?? null,
              issuer: profile.issuer ?? null,
              assertion_id: facts.id,
              not_on_or_after: facts.notOnOrAfter?.toISOString() ?? null,
              attributes: profile.attributes ?? {},
            },
          },
          preview,
        );
      } catch (err) {
        await runs.fail(row, input.caller.ip, classifySamlError(err));
      }
      return { id: row.id };
    },
  };
}
