/**
 * What the reason codes of refused sign-ins mean (the `reason` of `auth.login` and
 * `idp.test_login` audit events, server/src/identity): words for the admin reading them.
 */
const REASONS: Record<string, string> = {
  state_missing: 'The IdP came back without the sign-in state.',
  state_unknown: 'The sign-in state is unknown (expired, or not started here).',
  state_used: 'The sign-in state was already used: a replayed callback.',
  browser_mismatch: 'The answer came back in another browser than the one that started the sign-in.',
  connection_mismatch: 'The answer arrived at another connection than the one the sign-in started.',
  login_expired: 'The sign-in took longer than allowed.',
  unknown_connection: 'No such connection is configured.',
  discovery_failed: 'The OIDC discovery document could not be read.',
  idp_unreachable: 'The identity provider could not be reached.',
  metadata_unavailable: 'The SAML IdP metadata could not be read.',
  idp_error: 'The identity provider refused the sign-in.',
  token_rejected: 'The identity provider refused the authorization code.',
  id_token_missing: 'The token response had no ID token.',
  id_token_expired: 'The ID token is expired or not yet valid.',
  nonce_mismatch: 'The ID token does not belong to this sign-in (nonce).',
  response_invalid: 'The identity provider response is invalid.',
  email_missing: 'No e-mail address in the claim the connection reads.',
  email_unverified: 'The identity provider says the e-mail address is not verified.',
  domain_not_allowed: 'The e-mail domain is not one the connection serves.',
  user_disabled: 'The user is disabled in AI-LA.',
  not_entitled: 'No group maps to a role and no role is pinned.',
  response_missing: 'The SAML POST carried no SAMLResponse.',
  response_too_large: 'The SAML response is larger than 1 MiB.',
  xml_invalid: 'The SAML response is not well-formed XML.',
  assertion_replayed: 'This SAML assertion was already used: a replay.',
  request_used: 'The SAML response answers a request that was already answered.',
  in_response_to_invalid: 'The SAML response does not answer a request sent from here.',
  signature_invalid: 'The SAML signature is missing or not made by a trusted IdP certificate.',
  signature_wrapping: 'The SAML response is shaped to hide an unsigned assertion (signature wrapping).',
  assertion_expired: 'The SAML assertion is expired or not yet valid (check both clocks).',
  audience_mismatch: 'The SAML assertion is meant for another service provider.',
  issuer_mismatch: 'The SAML response comes from another IdP than the connection’s.',
  destination_mismatch: 'The SAML response is addressed to another endpoint.',
  recipient_mismatch: 'The SAML assertion names another recipient.',
  assertion_missing: 'The SAML response holds no assertion.',
  assertion_id_missing: 'The SAML assertion has no ID.',
  not_a_response: 'The SAML message is not a Response.',
  no_passive: 'The IdP could not sign the user in without interaction.',
};

/** The meaning of a reason code, or the code itself when it is not known here. */
export const describeReason = (reason: string | null | undefined): string =>
  reason ? (REASONS[reason] ?? reason) : 'No reason recorded.';
