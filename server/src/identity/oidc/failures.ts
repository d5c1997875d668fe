import * as client from 'openid-client';
import { LoginFailure } from '../errors.js';

/** Network-level failures talking to the IdP: undici's "fetch failed", timeouts and aborts. */
function isUnreachable(err: unknown): boolean {
  if (err instanceof TypeError && err.message === 'fetch failed') return true;
  return err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
}

/** The JWT claim an openid-client comparison failure is about (e.g. `nonce`), if any. */
function failedClaim(err: client.ClientError): unknown {
  const cause = err.cause as { cause?: { claim?: unknown } } | undefined;
  return cause?.cause?.claim;
}

/**
 * Turns what can go wrong while finishing an OIDC sign-in into a {@link LoginFailure} with a stable
 * code for the client and a reason for the audit trail. Anything unexpected is rethrown (a bug, 500).
 */
export function classifyLoginError(err: unknown): LoginFailure {
  if (err instanceof LoginFailure) return err;
  // RFC 6749 §4.1.2.1: the IdP redirected back with an error (e.g. access_denied).
  if (err instanceof client.AuthorizationResponseError) {
    return new LoginFailure(
      'SSO_FAILED',
      'idp_error',
      undefined,
      `The identity provider refused the sign-in (${err.error}).`,
    );
  }
  // RFC 6749 §5.2: the token endpoint refused the code (e.g. invalid_grant: already used or expired).
  if (err instanceof client.ResponseBodyError) {
    return new LoginFailure(
      'SSO_FAILED',
      'token_rejected',
      undefined,
      `The identity provider refused the authorization code (${err.error}); start again.`,
    );
  }
  if (err instanceof client.ClientError) {
    // OIDC Core 1.0 §3.1.3.7 step 11: the ID token's nonce must be the one this sign-in sent.
    if (failedClaim(err) === 'nonce') {
      return new LoginFailure(
        'SSO_FAILED',
        'nonce_mismatch',
        undefined,
        'The ID token does not belong to this sign-in.',
      );
    }
    if (err.code === 'OAUTH_JWT_TIMESTAMP_CHECK_FAILED') {
      return new LoginFailure(
        'SSO_FAILED',
        'id_token_expired',
        undefined,
        'The ID token is expired or not yet valid.',
      );
    }
    return new LoginFailure(
      'SSO_FAILED',
      'response_invalid',
      undefined,
      'The identity provider response is invalid.',
    );
  }
  if (isUnreachable(err)) return new LoginFailure('SSO_PROVIDER_UNAVAILABLE', 'idp_unreachable');
  throw err;
}

/** Discovery failed: the IdP is down, unreachable or misconfigured (issuer mismatch, bad metadata). */
export const discoveryFailure = () => new LoginFailure('SSO_PROVIDER_UNAVAILABLE', 'discovery_failed');
