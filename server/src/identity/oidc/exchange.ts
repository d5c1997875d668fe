import * as client from 'openid-client';
import type { Logger } from 'pino';
import { LoginFailure } from '../errors.js';
import type { OidcConnection } from './connections.js';
import { discoveryFailure } from './failures.js';

/** The connection's discovered client configuration; a failed discovery is logged and refused. */
export const discoveredClient = (connection: OidcConnection, log: Logger) =>
  connection.client().catch((err: unknown) => {
    log.warn({ err, connection: connection.name }, 'OIDC discovery failed');
    throw discoveryFailure();
  });

/** The secrets of an authorization request that the callback needs back (kept server-side). */
export interface PendingAuthorization {
  state: string;
  nonce: string;
  codeVerifier: string;
}

/**
 * Builds an authorization request (OIDC Core 1.0 §3.1.2.1: code flow, `state`, `nonce`, PKCE S256)
 * for a sign-in or a test sign-in; `extra` adds parameters such as `login_hint` or `prompt`.
 */
export async function authorizationRequest(
  config: client.Configuration,
  connection: OidcConnection,
  extra: Record<string, string> = {},
): Promise<PendingAuthorization & { url: string }> {
  const state = client.randomState();
  const nonce = client.randomNonce();
  const codeVerifier = client.randomPKCECodeVerifier();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: connection.redirectUri,
    scope: connection.config.scopes.join(' '),
    state,
    nonce,
    // RFC 7636 §4.2: S256 challenge; the verifier stays on the server until the token request.
    code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
    ...extra,
  });
  return { url: url.href, state, nonce, codeVerifier };
}

/** What the IdP said about the person: the ID token's claims and, when offered, UserInfo's. */
export interface RedeemedClaims {
  subject: string;
  idToken: Record<string, unknown>;
  userinfo: Record<string, unknown> | undefined;
  /** ID token claims overlaid with UserInfo claims, as profile reading uses them. */
  claims: Record<string, unknown>;
}

/**
 * Redeems the callback of an authorization request: exchanges the code with the PKCE verifier,
 * validates the ID token (signature, issuer, audience, expiry, nonce: OIDC Core 1.0 §3.1.3.7) and
 * reads UserInfo. Throws openid-client errors for the caller to classify.
 */
export async function redeemCallback(
  config: client.Configuration,
  connection: OidcConnection,
  query: URLSearchParams,
  pending: PendingAuthorization,
): Promise<RedeemedClaims> {
  const callbackUrl = new URL(connection.redirectUri);
  callbackUrl.search = query.toString();
  const tokens = await client.authorizationCodeGrant(config, callbackUrl, {
    pkceCodeVerifier: pending.codeVerifier,
    expectedState: pending.state,
    expectedNonce: pending.nonce,
    idTokenExpected: true,
  });
  const idToken = tokens.claims();
  if (!idToken) throw new LoginFailure('SSO_FAILED', 'id_token_missing');
  let userinfo: Record<string, unknown> | undefined;
  if (config.serverMetadata().userinfo_endpoint) {
    // OIDC Core 1.0 §5.3.2: the UserInfo sub must equal the ID token's.
    userinfo = { ...(await client.fetchUserInfo(config, tokens.access_token, idToken.sub)) };
  }
  return {
    subject: idToken.sub,
    idToken: { ...idToken },
    userinfo,
    claims: { ...idToken, ...userinfo },
  };
}
