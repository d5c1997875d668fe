import type { Logger } from 'pino';
import type { AuditService } from '../../audit/index.js';
import type { Db } from '../../platform/db/knex.js';
import { AppError } from '../../platform/errors.js';
import { LoginFailure } from '../errors.js';
import { readProfile } from '../oidc/claims.js';
import { safeReturnTo } from '../oidc/return-to.js';
import type { SessionService } from '../sessions/service.js';
import { completeSignIn, recordSignInFailure, type SignedIn } from '../sign-in/complete.js';
import { bindingOf, sha256Hex } from '../tokens.js';
import {
  acceptAssertion,
  claimsOf,
  readPostedResponse,
  refuseKnownReplay,
  resolveIdp,
  verifyResponse,
} from './assertion.js';
import { newMessageId, type SamlConnection, type SamlConnections } from './connections.js';
import { classifySamlError } from './failures.js';
import { createSamlLogout, type SamlLogout } from './logout.js';
import { spMetadata } from './metadata.js';
import { consumeRequest, findRequest, insertSamlSession, requestCache } from './store.js';

/** A Response arriving at the ACS, with the browser context it came in. */
export interface SamlFinish {
  connection: string;
  /** The form fields the IdP posted (SAMLResponse, RelayState). */
  body: Record<string, unknown>;
  bindingToken?: string | undefined;
  previousSessionToken?: string | undefined;
  userAgent: string;
  ip?: string | undefined;
}

/** The SAML 2.0 service provider: sign-in, metadata and single logout. */
export interface SamlService extends SamlLogout {
  /** Builds a signed AuthnRequest (HTTP-Redirect binding) and remembers its id for this browser. */
  start(
    connection: SamlConnection,
    input: { returnTo?: string | undefined; bindingToken?: string | undefined },
  ): Promise<{ redirectUrl: string; bindingToken: string }>;
  /** Validates a Response at the ACS, provisions the user, opens a session; audits success and failure. */
  finish(input: SamlFinish): Promise<SignedIn & { returnTo: string }>;
  /** The SP metadata of a connection. */
  metadata(connection: string): string;
}

/** What the SAML service needs. */
export interface SamlServiceDeps {
  db: Db;
  audit: AuditService;
  sessions: SessionService;
  connections: SamlConnections;
  publicUrl: string;
  loginTimeoutMs: number;
  log: Logger;
}

/** Creates the SAML 2.0 service provider (web browser SSO profile, SAML 2.0 profiles §4.1). */
export function createSamlService(deps: SamlServiceDeps): SamlService {
  const { db, connections, log } = deps;
  const ttlMs = deps.loginTimeoutMs;

  const resolve = (connection: SamlConnection) => resolveIdp(connection, log);

  async function complete(input: SamlFinish): Promise<SignedIn & { returnTo: string }> {
    const connection = connections.byName(input.connection);
    if (!connection) throw new LoginFailure('SSO_UNKNOWN_CONNECTION', 'unknown_connection');
    const posted = readPostedResponse(input.body);
    await refuseKnownReplay(db, connection.name, posted);
    const bindingHash = sha256Hex(input.bindingToken ?? '');
    if (posted.inResponseTo) {
      const pending = await findRequest(db, connection.name, posted.inResponseTo);
      if (pending && pending.binding_hash !== bindingHash) {
        throw new LoginFailure('SSO_STATE_MISMATCH', 'browser_mismatch');
      }
    }

    const idp = await resolve(connection);
    const cache = requestCache(db, { connection: connection.name, kind: 'login', ttlMs });
    const { profile, facts } = await verifyResponse(connection, idp, cache, posted, ttlMs);
    const request = await consumeRequest(db, cache, String(profile.inResponseTo ?? ''), 'login');
    if (!request) throw new LoginFailure('SAML_IN_RESPONSE_TO_INVALID', 'request_used');
    if (request.binding_hash !== bindingHash)
      throw new LoginFailure('SSO_STATE_MISMATCH', 'browser_mismatch');
    await acceptAssertion(db, connection, facts);

    const read = readProfile(connection.config, profile.nameID, claimsOf(connection, profile));
    if (typeof read === 'string') throw new LoginFailure('SSO_FAILED', read);
    const signedIn = await completeSignIn(deps, {
      method: 'saml',
      mapping: connection.config,
      profile: read,
      previousSessionToken: input.previousSessionToken,
      userAgent: input.userAgent,
      ip: input.ip,
      onSession: (trx, sessionId) =>
        insertSamlSession(trx, {
          session_id: sessionId,
          connection: connection.name,
          name_id: profile.nameID.slice(0, 512),
          name_id_format: profile.nameIDFormat ?? null,
          session_index: profile.sessionIndex ?? null,
        }),
    });
    return { ...signedIn, returnTo: request.return_to };
  }

  const logout = createSamlLogout({ ...deps, resolve });

  return {
    ...logout,

    async start(connection, input) {
      const returnTo = safeReturnTo(input.returnTo, deps.publicUrl);
      if (returnTo === undefined) {
        throw new AppError('VALIDATION_FAILED', undefined, [
          { field: 'query.return_to', message: 'must be a path on this site, starting with a single /' },
        ]);
      }
      const idp = await resolve(connection);
      const bindingToken = bindingOf(input.bindingToken);
      const requestId = newMessageId();
      const cache = requestCache(db, {
        connection: connection.name,
        kind: 'login',
        bindingHash: sha256Hex(bindingToken),
        returnTo,
        ttlMs,
      });
      // SAML 2.0 bindings §3.4.4.1: DEFLATE, base64, signed query string (SigAlg, Signature).
      const redirectUrl = await connection
        .saml(idp, cache, { requestId, ttlMs })
        .getAuthorizeUrlAsync('', undefined, {});
      return { redirectUrl, bindingToken };
    },

    async finish(input) {
      try {
        return await complete(input);
      } catch (err) {
        const failure = classifySamlError(err);
        await recordSignInFailure(deps, failure, {
          method: 'saml',
          connection: input.connection,
          ip: input.ip,
        });
        throw failure;
      }
    },

    metadata(name) {
      const connection = connections.byName(name);
      if (!connection) throw new AppError('SSO_UNKNOWN_CONNECTION');
      return spMetadata({
        entityId: connection.spEntityId,
        acsUrl: connection.acsUrl,
        sloUrl: connection.sloUrl,
        certificate: connection.config.sp.certificate,
        nameIdFormat: connection.nameIdFormat,
      });
    },
  };
}
