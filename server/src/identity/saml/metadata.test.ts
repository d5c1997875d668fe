import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { certificateBody, normaliseCertificate, parseIdpMetadata, spMetadata } from './metadata.js';
import { parseXml, XmlError } from './xml.js';

/** Test-only self-signed certificates, made by openssl for this run. */
const dir = mkdtempSync(join(tmpdir(), 'aila-saml-meta-'));
const certificate = (name: string) => {
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-days',
      '1',
      '-subj',
      `/CN=${name}`,
      '-keyout',
      join(dir, `${name}.key`),
      '-out',
      join(dir, `${name}.crt`),
    ],
    { stdio: 'ignore' },
  );
  return readFileSync(join(dir, `${name}.crt`), 'utf8');
};
const [current, next, encryption] = ['current', 'next', 'encryption'].map(certificate) as [
  string,
  string,
  string,
];

const keyDescriptor = (pem: string, use?: string) =>
  `<md:KeyDescriptor${use ? ` use="${use}"` : ''}><ds:KeyInfo><ds:X509Data><ds:X509Certificate>${certificateBody(pem)}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>`;

describe('SAML metadata', () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('IdP metadata: entity ID, HTTP-Redirect SSO and SLO, every signing certificate (rotation)', () => {
    const xml = `<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="https://idp.example.com/saml">
  <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    ${keyDescriptor(current, 'signing')}
    ${keyDescriptor(next)}
    ${keyDescriptor(encryption, 'encryption')}
    <md:SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://idp.example.com/slo/post"/>
    <md:SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp.example.com/slo"/>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp.example.com/sso"/>
  </md:IDPSSODescriptor>
</md:EntityDescriptor>`;
    const idp = parseIdpMetadata(xml);
    assert.equal(idp.entityId, 'https://idp.example.com/saml');
    assert.equal(idp.ssoUrl, 'https://idp.example.com/sso');
    assert.equal(idp.sloUrl, 'https://idp.example.com/slo');
    assert.deepEqual(idp.certs.map(certificateBody), [certificateBody(current), certificateBody(next)]);
  });

  test('an EntitiesDescriptor with one IdP is accepted; other documents are refused', () => {
    const entity = `<md:EntityDescriptor entityID="urn:idp"><md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">${keyDescriptor(current)}</md:IDPSSODescriptor></md:EntityDescriptor>`;
    const wrapped = `<md:EntitiesDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#">${entity}</md:EntitiesDescriptor>`;
    assert.equal(parseIdpMetadata(wrapped).entityId, 'urn:idp');
    assert.throws(() => parseIdpMetadata('<html/>'), XmlError);
    assert.throws(
      () => parseIdpMetadata('<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>'),
      /document type/,
    );
    assert.throws(() => parseXml('<a><b></a>'), XmlError);
  });

  test('certificates: PEM or bare base64, anything else refused', () => {
    assert.equal(normaliseCertificate(certificateBody(current)).trim(), current.trim());
    assert.throws(() => normaliseCertificate('not a certificate'));
  });

  test('SP metadata escapes values and advertises signed requests, wanted signed assertions, ACS and SLO', () => {
    const xml = spMetadata({
      entityId: 'https://ai-la.example.com/auth/saml/corp/metadata?a=1&b="2"',
      acsUrl: 'https://ai-la.example.com/auth/saml/corp/acs',
      sloUrl: 'https://ai-la.example.com/auth/saml/corp/slo',
      certificate: current,
      nameIdFormat: 'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified',
    });
    const root = parseXml(xml).documentElement;
    assert.equal(
      root.getAttribute('entityID'),
      'https://ai-la.example.com/auth/saml/corp/metadata?a=1&b="2"',
    );
    assert.match(xml, /AuthnRequestsSigned="true" WantAssertionsSigned="true"/);
    assert.match(xml, new RegExp(certificateBody(current).slice(0, 40).replace(/[+/]/g, '\\$&')));
  });
});
