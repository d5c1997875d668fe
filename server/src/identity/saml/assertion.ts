import type { CacheProvider, Profile } from '@node-saml/node-saml';
import type { Logger } from 'pino';
import type { Db } from '../../platform/db/knex.js';
import { LoginFailure } from '../errors.js';
import { NAME_ID_FORMATS } from './config-schema.js';
import type { ResolvedIdp, SamlConnection } from './connections.js';
import { anyAssertionSeen, rememberAssertion } from './store.js';
import { type AssertionFacts, checkResponse, peekResponse } from './verify.js';

/** A SAMLResponse larger than this is refused before parsing. */
const MAX_RESPONSE_BYTES = 1_048_576;
/** Assertions without any NotOnOrAfter stay in the replay cache this long. */
const DEFAULT_REPLAY_WINDOW_MS = 3_600_000;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The connection's IdP settings; unavailable metadata is logged and refused. */
export const resolveIdp = (connection: SamlConnection, log: Logger) =>
  connection.idp().catch((err: unknown) => {
    log.warn({ err, connection: connection.name }, 'SAML IdP metadata unavailable');
    throw new LoginFailure('SSO_PROVIDER_UNAVAILABLE', 'metadata_unavailable');
  });

/** A Response as posted to the ACS, with what it says about itself before any signature check. */
export interface PostedResponse {
  encoded: string;
  inResponseTo: string | undefined;
  assertionIds: string[];
}

/** Reads the SAMLResponse form field (HTTP-POST binding, SAML 2.0 bindings §3.5.4). */
export function readPostedResponse(body: Record<string, unknown>): PostedResponse {
  const encoded = body.SAMLResponse;
  if (typeof encoded !== 'string' || encoded === '') {
    throw new LoginFailure('SAML_RESPONSE_INVALID', 'response_missing');
  }
  if (encoded.length > (MAX_RESPONSE_BYTES * 4) / 3)
    throw new LoginFailure('SAML_RESPONSE_INVALID', 'response_too_large');
  return { encoded, ...peekResponse(Buffer.from(encoded, 'base64').toString('utf8')) };
}

/** A replay is refused as such, before the request id it answered turns out to be used up. */
export async function refuseKnownReplay(db: Db, connection: string, posted: PostedResponse): Promise<void> {
  if (await anyAssertionSeen(db, connection, posted.assertionIds)) {
    throw new LoginFailure('SAML_REPLAYED', 'assertion_replayed');
  }
}

/** A Response whose signatures, conditions, audience, destination and issuer all hold. */
export interface VerifiedResponse {
  profile: Profile;
  facts: AssertionFacts;
}

/**
 * Validates a Response with node-saml (signed Response and Assertion, InResponseTo against `cache`,
 * audience, time conditions) and then the checks node-saml leaves to the SP ({@link checkResponse}).
 */
export async function verifyResponse(
  connection: SamlConnection,
  idp: ResolvedIdp,
  cache: CacheProvider,
  posted: PostedResponse,
  ttlMs: number,
): Promise<VerifiedResponse> {
  const { profile } = await connection
    .saml(idp, cache, { ttlMs })
    .validatePostResponseAsync({ SAMLResponse: posted.encoded });
  if (!profile) throw new LoginFailure('SSO_FAILED', 'no_passive');
  const assertionXml = profile.getAssertionXml?.();
  const responseXml = profile.getSamlResponseXml?.();
  if (!assertionXml || !responseXml) throw new LoginFailure('SAML_RESPONSE_INVALID', 'assertion_missing');
  const facts = checkResponse(responseXml, assertionXml, {
    acsUrl: connection.acsUrl,
    idpEntityId: idp.entityId,
  });
  return { profile, facts };
}

/**
 * Records the accepted assertion until it expires (SAML 2.0 profiles §4.1.4.5), so it can never be
 * used again, for a sign-in or a test sign-in; refuses it when it already was.
 */
export async function acceptAssertion(db: Db, connection: SamlConnection, facts: AssertionFacts) {
  const keepUntil = new Date(
    (facts.notOnOrAfter?.getTime() ?? Date.now() + DEFAULT_REPLAY_WINDOW_MS) + connection.config.clockSkewMs,
  );
  if (!(await rememberAssertion(db, connection.name, facts.id, keepUntil))) {
    throw new LoginFailure('SAML_REPLAYED', 'assertion_replayed');
  }
}

/** The assertion's attributes as claims, with the NameID standing in for a missing e-mail attribute. */
export function claimsOf(connection: SamlConnection, profile: Profile): Record<string, unknown> {
  const attributes = (profile.attributes ?? {}) as Record<string, unknown>;
  const claims: Record<string, unknown> = { ...attributes };
  const emailAttribute = connection.config.claims.email;
  const nameIdIsEmail =
    profile.nameIDFormat === NAME_ID_FORMATS.emailAddress ||
    (profile.nameIDFormat !== NAME_ID_FORMATS.transient && EMAIL.test(profile.nameID));
  if (claims[emailAttribute] === undefined && nameIdIsEmail) claims[emailAttribute] = profile.nameID;
  return claims;
}
