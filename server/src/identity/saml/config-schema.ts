import { type Static, Type } from '@sinclair/typebox';
import { CONNECTION_NAME, Enum, mappingFields, secret } from '../config-shared.js';

const Pem = (description: string) => Type.String({ minLength: 1, description });

/** SAML 2.0 name identifier formats (SAML 2.0 core §8.3). */
export const NAME_ID_FORMATS = {
  unspecified: 'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified',
  emailAddress: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
  persistent: 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent',
  transient: 'urn:oasis:names:tc:SAML:2.0:nameid-format:transient',
} as const;

/** One SAML 2.0 connection: the appliance is the service provider, the customer's IdP asserts. */
export const SamlConnectionConfig = Type.Object(
  {
    name: Type.String({
      pattern: CONNECTION_NAME,
      description: 'Connection name; part of <publicUrl>/auth/saml/<name>/acs, /metadata and /slo.',
    }),
    displayName: Type.Optional(Type.String({ minLength: 1, description: 'Label on the sign-in page.' })),
    idp: Type.Object(
      {
        metadataXml: Type.Optional(
          Type.String({ minLength: 1, description: "The IdP's SAML metadata document (XML)." }),
        ),
        metadataUrl: Type.Optional(
          Type.String({
            format: 'uri',
            pattern: '^https?://',
            description: "URL of the IdP's metadata; fetched at first use and refreshed hourly.",
          }),
        ),
        entityId: Type.Optional(
          Type.String({ minLength: 1, description: 'IdP entity ID (expected Issuer); overrides metadata.' }),
        ),
        ssoUrl: Type.Optional(
          Type.String({
            format: 'uri',
            description: 'SingleSignOnService URL (HTTP-Redirect binding); overrides metadata.',
          }),
        ),
        sloUrl: Type.Optional(
          Type.String({
            format: 'uri',
            description: 'SingleLogoutService URL (HTTP-Redirect binding); overrides metadata.',
          }),
        ),
        certs: Type.Array(Pem('PEM X.509 certificate'), {
          default: [],
          description:
            'IdP signing certificates (PEM). Several are accepted at once for rotation; added to those in metadata.',
        }),
      },
      {
        additionalProperties: false,
        description: 'The identity provider: metadata, or entityId + ssoUrl + certs.',
      },
    ),
    sp: Type.Object(
      {
        entityId: Type.Optional(
          Type.String({
            minLength: 1,
            description: 'SP entity ID (Audience); default <publicUrl>/auth/saml/<name>/metadata.',
          }),
        ),
        privateKey: secret(Pem('PEM private key that signs AuthnRequests and logout messages.')),
        certificate: Pem('PEM certificate of that key, published in the SP metadata.'),
      },
      { additionalProperties: false, description: 'The appliance as service provider.' },
    ),
    nameIdFormat: Enum(Object.keys(NAME_ID_FORMATS) as Array<keyof typeof NAME_ID_FORMATS>, {
      default: 'unspecified',
      description: 'NameID format requested in the AuthnRequest (unspecified lets the IdP choose).',
    }),
    ...mappingFields({ email: 'email', name: 'name', groups: 'groups' }, 'SAML attribute'),
    clockSkewMs: Type.Integer({
      minimum: 0,
      maximum: 300_000,
      default: 5000,
      description: 'Clock difference tolerated on NotBefore / NotOnOrAfter.',
    }),
    allowInsecureHttp: Type.Boolean({
      default: false,
      description: 'Allow an http:// metadataUrl (development only: the certificates would cross in clear).',
    }),
  },
  { additionalProperties: false },
);

/** One configured SAML connection, defaults applied. */
export type SamlConnectionConfig = Static<typeof SamlConnectionConfig>;
