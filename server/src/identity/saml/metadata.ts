import { X509Certificate } from 'node:crypto';
import { BINDINGS, child, children, descendants, escapeXml, NS, parseXml, textOf, XmlError } from './xml.js';

/** What the appliance needs to know about an IdP, from its metadata (SAML 2.0 metadata §2.4.3). */
export interface IdpMetadata {
  entityId: string | undefined;
  /** SingleSignOnService with the HTTP-Redirect binding. */
  ssoUrl: string | undefined;
  /** SingleLogoutService with the HTTP-Redirect binding. */
  sloUrl: string | undefined;
  /** Signing certificates as PEM. */
  certs: string[];
}

/** Wraps a base64 DER certificate as PEM (RFC 7468 §5). */
export function certificatePem(base64: string): string {
  const body = base64.replace(/\s+/g, '');
  const lines = body.match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}

/** A PEM certificate, or its bare base64 body, as PEM; throws when it is not an X.509 certificate. */
export function normaliseCertificate(value: string): string {
  const pem = value.includes('-----BEGIN') ? value : certificatePem(value);
  new X509Certificate(pem);
  return pem;
}

/** The base64 body of a PEM certificate (for ds:X509Certificate). */
export const certificateBody = (pem: string) =>
  pem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '');

const locationOf = (descriptor: Element, service: string) =>
  children(descriptor, NS.metadata, service)
    .find((e) => e.getAttribute('Binding') === BINDINGS.redirect)
    ?.getAttribute('Location') ?? undefined;

/**
 * Reads an IdP's metadata: an EntityDescriptor, or an EntitiesDescriptor holding exactly one
 * EntityDescriptor with an IDPSSODescriptor. Signing keys are the KeyDescriptors with `use="signing"`
 * or without `use` (metadata §2.4.1.1).
 */
export function parseIdpMetadata(xml: string): IdpMetadata {
  const root = parseXml(xml).documentElement;
  const entities =
    root.localName === 'EntitiesDescriptor' ? descendants(root, NS.metadata, 'EntityDescriptor') : [root];
  const idps = entities.filter(
    (e) =>
      e.namespaceURI === NS.metadata &&
      e.localName === 'EntityDescriptor' &&
      child(e, NS.metadata, 'IDPSSODescriptor'),
  );
  if (idps.length !== 1) throw new XmlError('expected exactly one EntityDescriptor with an IDPSSODescriptor');
  const entity = idps[0] as Element;
  const descriptor = child(entity, NS.metadata, 'IDPSSODescriptor') as Element;
  const certs = children(descriptor, NS.metadata, 'KeyDescriptor')
    .filter((k) => (k.getAttribute('use') || 'signing') === 'signing')
    .flatMap((k) => descendants(k, NS.dsig, 'X509Certificate'))
    .map((c) => normaliseCertificate(textOf(c)));
  return {
    entityId: entity.getAttribute('entityID') || undefined,
    ssoUrl: locationOf(descriptor, 'SingleSignOnService'),
    sloUrl: locationOf(descriptor, 'SingleLogoutService'),
    certs: [...new Set(certs)],
  };
}

/** The values the SP metadata publishes. */
export interface SpMetadataInput {
  entityId: string;
  acsUrl: string;
  sloUrl: string;
  certificate: string;
  nameIdFormat: string;
}

/**
 * The appliance's SP metadata (SAML 2.0 metadata §2.4.4): signed AuthnRequests, signed assertions
 * wanted, the ACS for the HTTP-POST binding and single logout over HTTP-Redirect and HTTP-POST.
 */
export function spMetadata(input: SpMetadataInput): string {
  const a = (value: string) => escapeXml(value);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<md:EntityDescriptor xmlns:md="${NS.metadata}" xmlns:ds="${NS.dsig}" entityID="${a(input.entityId)}">`,
    `  <md:SPSSODescriptor AuthnRequestsSigned="true" WantAssertionsSigned="true" protocolSupportEnumeration="${NS.protocol}">`,
    '    <md:KeyDescriptor use="signing">',
    `      <ds:KeyInfo><ds:X509Data><ds:X509Certificate>${certificateBody(input.certificate)}</ds:X509Certificate></ds:X509Data></ds:KeyInfo>`,
    '    </md:KeyDescriptor>',
    `    <md:SingleLogoutService Binding="${BINDINGS.redirect}" Location="${a(input.sloUrl)}"/>`,
    `    <md:SingleLogoutService Binding="${BINDINGS.post}" Location="${a(input.sloUrl)}"/>`,
    `    <md:NameIDFormat>${a(input.nameIdFormat)}</md:NameIDFormat>`,
    `    <md:AssertionConsumerService Binding="${BINDINGS.post}" Location="${a(input.acsUrl)}" index="0" isDefault="true"/>`,
    '  </md:SPSSODescriptor>',
    '</md:EntityDescriptor>',
    '',
  ].join('\n');
}
