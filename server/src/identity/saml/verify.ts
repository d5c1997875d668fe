import { LoginFailure } from '../errors.js';
import { child, children, descendants, NS, parseXml, textOf } from './xml.js';

/** What the appliance keeps of an assertion node-saml verified. */
export interface AssertionFacts {
  id: string;
  /** When the assertion stops being acceptable (latest NotOnOrAfter), if it says. */
  notOnOrAfter: Date | undefined;
}

/** What the response must say about where it goes and who sent it. */
export interface Expected {
  /** The ACS URL the response must be addressed to. */
  acsUrl: string;
  /** The IdP's entity ID, when known. */
  idpEntityId: string | undefined;
}

const BEARER = 'urn:oasis:names:tc:SAML:2.0:cm:bearer';

const time = (value: string | null) => {
  if (!value) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
};

/**
 * What an unverified response says about itself, before any signature check: its InResponseTo and
 * the IDs of every Assertion element anywhere in it. Used only to refuse early (a known replay, a
 * foreign browser), never to accept.
 */
export function peekResponse(xml: string): { inResponseTo: string | undefined; assertionIds: string[] } {
  const root = parseXml(xml).documentElement;
  return {
    inResponseTo: root.getAttribute('InResponseTo') || undefined,
    assertionIds: descendants(root, NS.assertion, 'Assertion')
      .map((a) => a.getAttribute('ID') ?? '')
      .filter((id) => id !== ''),
  };
}

/**
 * The checks node-saml leaves to the service provider, made on signed content only:
 * - the Response's Destination is this ACS URL (SAML 2.0 bindings §3.5.5.2; the response root is
 *   signed, so its attributes are);
 * - the Response and Assertion Issuers are the IdP's entity ID (profiles §4.1.4.2);
 * - a bearer SubjectConfirmation's Recipient is this ACS URL (profiles §4.1.4.2, §4.1.4.3).
 * `signedAssertionXml` is the assertion node-saml verified, not the one a wrapped document shows.
 */
export function checkResponse(
  responseXml: string,
  signedAssertionXml: string,
  expected: Expected,
): AssertionFacts {
  const response = parseXml(responseXml).documentElement;
  if (response.namespaceURI !== NS.protocol || response.localName !== 'Response') {
    throw new LoginFailure('SAML_RESPONSE_INVALID', 'not_a_response');
  }
  if (response.getAttribute('Destination') !== expected.acsUrl) {
    throw new LoginFailure('SAML_DESTINATION_MISMATCH', 'destination_mismatch');
  }
  const responseIssuer = child(response, NS.assertion, 'Issuer');
  if (expected.idpEntityId && responseIssuer && textOf(responseIssuer) !== expected.idpEntityId) {
    throw new LoginFailure('SAML_ISSUER_MISMATCH', 'issuer_mismatch');
  }

  const assertion = parseXml(signedAssertionXml).documentElement;
  if (expected.idpEntityId && textOf(child(assertion, NS.assertion, 'Issuer')) !== expected.idpEntityId) {
    throw new LoginFailure('SAML_ISSUER_MISMATCH', 'issuer_mismatch');
  }
  const subject = child(assertion, NS.assertion, 'Subject');
  const confirmations = subject
    ? children(subject, NS.assertion, 'SubjectConfirmation').filter(
        (c) => c.getAttribute('Method') === BEARER,
      )
    : [];
  const data = confirmations.flatMap((c) => children(c, NS.assertion, 'SubjectConfirmationData'));
  if (!data.some((d) => d.getAttribute('Recipient') === expected.acsUrl)) {
    throw new LoginFailure('SAML_DESTINATION_MISMATCH', 'recipient_mismatch');
  }
  const id = assertion.getAttribute('ID');
  if (!id) throw new LoginFailure('SAML_RESPONSE_INVALID', 'assertion_id_missing');
  const conditions = child(assertion, NS.assertion, 'Conditions');
  const limits = [
    time(conditions?.getAttribute('NotOnOrAfter') ?? null),
    ...data.map((d) => time(d.getAttribute('NotOnOrAfter'))),
  ].filter((t): t is number => t !== undefined);
  return { id, notOnOrAfter: limits.length > 0 ? new Date(Math.max(...limits)) : undefined };
}

/** Facts of a logout message's root: its kind, Destination, InResponseTo and status (core §3.7). */
export function peekLogoutMessage(xml: string): {
  kind: string;
  destination: string | undefined;
  inResponseTo: string | undefined;
  success: boolean;
} {
  const root = parseXml(xml).documentElement;
  const status = child(root, NS.protocol, 'Status');
  const code = status ? child(status, NS.protocol, 'StatusCode')?.getAttribute('Value') : undefined;
  return {
    kind: root.localName ?? '',
    destination: root.getAttribute('Destination') || undefined,
    inResponseTo: root.getAttribute('InResponseTo') || undefined,
    success: code === 'urn:oasis:names:tc:SAML:2.0:status:Success',
  };
}
