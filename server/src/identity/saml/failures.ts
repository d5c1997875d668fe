import { SamlStatusError } from '@node-saml/node-saml';
import type { ErrorCode } from '../../platform/errors.js';
import { LoginFailure } from '../errors.js';
import { XmlError } from './xml.js';

/**
 * node-saml reports every refusal as a plain Error with a message; these patterns (node-saml 5,
 * lib/saml.js and lib/xml.js) sort them into stable codes and audit reasons. Order matters: the
 * first match wins.
 */
const RULES: Array<[RegExp, ErrorCode, string]> = [
  [
    /multiple assertions|more than one element|does not refer to it's parent|Too many signatures/i,
    'SAML_SIGNATURE_INVALID',
    'signature_wrapping',
  ],
  [/signature|signed data|transforms/i, 'SAML_SIGNATURE_INVALID', 'signature_invalid'],
  [/InResponseTo/i, 'SAML_IN_RESPONSE_TO_INVALID', 'in_response_to_invalid'],
  [
    /expired|not yet valid|too old|No valid subject confirmation/i,
    'SAML_ASSERTION_EXPIRED',
    'assertion_expired',
  ],
  [/audience|AudienceRestriction/i, 'SAML_AUDIENCE_MISMATCH', 'audience_mismatch'],
  [/issuer/i, 'SAML_ISSUER_MISMATCH', 'issuer_mismatch'],
  [/Bad status code/i, 'SSO_FAILED', 'idp_error'],
];

/**
 * Turns what can go wrong while validating a SAML message into a {@link LoginFailure} with a stable
 * code for the client and a reason for the audit trail. Other message problems (missing elements,
 * undecodable deflate data, unknown message types) are SAML_RESPONSE_INVALID; errors that carry a
 * system or database code are not about the message and are rethrown (500).
 */
export function classifySamlError(err: unknown): LoginFailure {
  if (err instanceof LoginFailure) return err;
  if (err instanceof XmlError) return new LoginFailure('SAML_RESPONSE_INVALID', 'xml_invalid');
  // SAML 2.0 core §3.2.2.2: the IdP answered with a non-success status (e.g. Requester, AuthnFailed).
  if (err instanceof SamlStatusError) {
    return new LoginFailure(
      'SSO_FAILED',
      'idp_error',
      undefined,
      'The identity provider refused the sign-in.',
    );
  }
  if (!(err instanceof Error)) throw err;
  for (const [pattern, code, reason] of RULES) {
    if (pattern.test(err.message)) return new LoginFailure(code, reason);
  }
  const { code } = err as Error & { code?: unknown };
  if (typeof code === 'string' && !code.startsWith('Z_')) throw err;
  return new LoginFailure('SAML_RESPONSE_INVALID', 'response_invalid');
}
