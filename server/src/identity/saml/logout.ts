import { inflateRawSync } from 'node:zlib';
import { type Profile, ValidateInResponseTo } from '@node-saml/node-saml';
import type { Logger } from 'pino';
import type { AuditService } from '../../audit/index.js';
import type { Db } from '../../platform/db/knex.js';
import { AppError } from '../../platform/errors.js';
import { LoginFailure } from '../errors.js';
import { sha256Hex } from '../tokens.js';
import { NAME_ID_FORMATS } from './config-schema.js';
import type { ResolvedIdp, SamlConnection, SamlConnections } from './connections.js';
import { classifySamlError } from './failures.js';
import { consumeRequest, endSessionsByNameId, findSamlSession, requestCache } from './store.js';
import { peekLogoutMessage } from './verify.js';

/** A message at the SLO endpoint, as it arrived. */
export interface SamlLogoutInput {
  connection: string;
  /** GET: HTTP-Redirect binding (bindings §3.4); POST: HTTP-POST binding (bindings §3.5). */
  binding: 'redirect' | 'post';
  /** Query (redirect) or form (post) fields. */
  fields: Record<string, unknown>;
  /** The raw query string, needed to verify a redirect-binding signature (bindings §3.4.4.1). */
  rawQuery: string;
  /** The browser's session cookie, if any, to tell whether its own session ended. */
  sessionToken?: string | undefined;
  ip?: string | undefined;
}

/** SAML single logout, both directions. */
export interface SamlLogout {
  /** SP-initiated single logout: the IdP URL carrying a signed LogoutRequest for a SAML session, if any. */
  logoutUrl(sessionId: string, connection: string | null): Promise<string | null>;
  /** Handles an IdP's LogoutRequest (ends the sessions it names) or its LogoutResponse to ours. */
  handleLogout(input: SamlLogoutInput): Promise<{ redirectUrl: string; endedCurrentSession: boolean }>;
}

/** What single logout needs; `resolve` gives the IdP settings or fails with a sign-in error. */
export interface SamlLogoutDeps {
  db: Db;
  audit: AuditService;
  connections: SamlConnections;
  loginTimeoutMs: number;
  log: Logger;
  resolve(connection: SamlConnection): Promise<ResolvedIdp>;
}

const field = (fields: Record<string, unknown>, name: string) =>
  typeof fields[name] === 'string' ? (fields[name] as string) : undefined;

/** Creates SAML single logout (SAML 2.0 profiles §4.4), SP- and IdP-initiated. */
export function createSamlLogout(deps: SamlLogoutDeps): SamlLogout {
  const { db, audit, connections, log } = deps;
  const ttlMs = deps.loginTimeoutMs;

  /** The message's XML: inflated for the redirect binding (bindings §3.4.4.1), plain for POST. */
  function xmlOf(binding: SamlLogoutInput['binding'], encoded: string): string {
    const bytes = Buffer.from(encoded, 'base64');
    return (binding === 'redirect' ? inflateRawSync(bytes, { maxOutputLength: 1_048_576 }) : bytes).toString(
      'utf8',
    );
  }

  async function idpRequest(
    connection: SamlConnection,
    idp: ResolvedIdp,
    input: SamlLogoutInput,
    encoded: string,
  ) {
    const cache = requestCache(db, { connection: connection.name, kind: 'logout', ttlMs });
    const saml = connection.saml(idp, cache, { ttlMs });
    const result =
      input.binding === 'redirect'
        ? await saml.validateRedirectAsync(input.fields as Record<string, string>, input.rawQuery)
        : await saml.validatePostRequestAsync({ SAMLRequest: encoded });
    const profile = result.profile;
    if (!profile?.nameID) throw new LoginFailure('SAML_RESPONSE_INVALID', 'name_id_missing');
    const ended = await db.transaction(async (trx) => {
      const rows = await endSessionsByNameId(trx, connection.name, profile.nameID, profile.sessionIndex);
      for (const row of rows) {
        await audit.record(trx, {
          action: 'auth.logout',
          outcome: 'success',
          actor: { type: 'user', id: row.user_id, ...(input.ip ? { ip: input.ip } : {}) },
          target: { type: 'session', id: row.id },
          details: { method: 'saml', connection: connection.name, initiated_by: 'idp' },
        });
      }
      return rows;
    });
    const current = input.sessionToken ? sha256Hex(input.sessionToken) : undefined;
    // SAML 2.0 core §3.7.3.2: answer with a LogoutResponse; Success even when no session matched.
    const redirectUrl = idp.sloUrl
      ? await saml.getLogoutResponseUrlAsync(profile, field(input.fields, 'RelayState') ?? '', {}, true)
      : '/';
    return { redirectUrl, endedCurrentSession: ended.some((row) => row.token_hash === current) };
  }

  async function idpResponse(
    connection: SamlConnection,
    idp: ResolvedIdp,
    input: SamlLogoutInput,
    xml: string,
    encoded: string,
  ) {
    const cache = requestCache(db, { connection: connection.name, kind: 'logout', ttlMs });
    if (input.binding === 'redirect') {
      await connection
        .saml(idp, cache, { ttlMs })
        .validateRedirectAsync(input.fields as Record<string, string>, input.rawQuery);
    } else {
      // node-saml looks for InResponseTo on a Response root only; the LogoutResponse's is checked below.
      const saml = connection.saml(idp, cache, { ttlMs, inResponseTo: ValidateInResponseTo.ifPresent });
      const { loggedOut } = await saml.validatePostResponseAsync({ SAMLResponse: encoded });
      if (!loggedOut) throw new LoginFailure('SAML_RESPONSE_INVALID', 'not_a_logout_response');
    }
    const message = peekLogoutMessage(xml);
    if (!message.success) throw new LoginFailure('SSO_FAILED', 'idp_error');
    if (!message.inResponseTo || !(await consumeRequest(db, cache, message.inResponseTo, 'logout'))) {
      throw new LoginFailure('SAML_IN_RESPONSE_TO_INVALID', 'request_used');
    }
    return { redirectUrl: '/', endedCurrentSession: false };
  }

  async function handle(input: SamlLogoutInput) {
    const connection = connections.byName(input.connection);
    if (!connection) throw new LoginFailure('SSO_UNKNOWN_CONNECTION', 'unknown_connection');
    const request = field(input.fields, 'SAMLRequest');
    const encoded = request ?? field(input.fields, 'SAMLResponse');
    if (!encoded) throw new LoginFailure('SAML_RESPONSE_INVALID', 'message_missing');
    // node-saml accepts an unsigned redirect message; a logout message must always be signed here.
    if (input.binding === 'redirect' && !field(input.fields, 'Signature')) {
      throw new LoginFailure('SAML_SIGNATURE_INVALID', 'logout_unsigned');
    }
    const xml = xmlOf(input.binding, encoded);
    // SAML 2.0 bindings §3.4.5.2 / §3.5.5.2: a signed message names the endpoint it was sent to.
    if (peekLogoutMessage(xml).destination !== connection.sloUrl) {
      throw new LoginFailure('SAML_DESTINATION_MISMATCH', 'destination_mismatch');
    }
    const idp = await deps.resolve(connection);
    return request
      ? idpRequest(connection, idp, input, encoded)
      : idpResponse(connection, idp, input, xml, encoded);
  }

  return {
    async logoutUrl(sessionId, name) {
      const connection = name ? connections.byName(name) : undefined;
      if (!connection) return null;
      const row = await findSamlSession(db, sessionId);
      if (!row) return null;
      try {
        const idp = await connection.idp();
        if (!idp.sloUrl) return null;
        const cache = requestCache(db, { connection: connection.name, kind: 'logout', ttlMs });
        const user: Profile = {
          issuer: idp.entityId ?? '',
          nameID: row.name_id,
          nameIDFormat: row.name_id_format ?? NAME_ID_FORMATS.unspecified,
          ...(row.session_index ? { sessionIndex: row.session_index } : {}),
        };
        return await connection.saml(idp, cache, { ttlMs }).getLogoutUrlAsync(user, '', {});
      } catch (err) {
        log.warn({ err, connection: name }, 'SAML logout URL unavailable');
        return null;
      }
    },

    async handleLogout(input) {
      try {
        return await handle(input);
      } catch (err) {
        const failure =
          err instanceof AppError && !(err instanceof LoginFailure) ? err : classifySamlError(err);
        if (failure instanceof LoginFailure) {
          log.info({ connection: input.connection, reason: failure.reason }, 'SAML logout message refused');
          await audit.record(db, {
            action: 'auth.logout',
            outcome: 'failure',
            actor: { type: 'anonymous', id: 'anonymous', ...(input.ip ? { ip: input.ip } : {}) },
            details: { method: 'saml', connection: input.connection.slice(0, 64), reason: failure.reason },
          });
        }
        throw failure;
      }
    },
  };
}
