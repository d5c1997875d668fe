import { type Static, Type } from '@sinclair/typebox';
import { CONNECTION_NAME, Enum, GROUP_ROLES, mappingFields, secret, section } from './config-shared.js';
import { SamlConnectionConfig } from './saml/config-schema.js';

/*
 * The `auth` section of the configuration. Defined here, next to the code that uses it, and imported by
 * config/schema.ts.
 */

export { GROUP_ROLES, SamlConnectionConfig };

/** One OpenID Connect connection. */
export const OidcConnectionConfig = Type.Object(
  {
    name: Type.String({
      pattern: CONNECTION_NAME,
      description: 'Connection name; part of the redirect URI <publicUrl>/auth/oidc/<name>/callback.',
    }),
    displayName: Type.Optional(Type.String({ minLength: 1, description: 'Label on the sign-in page.' })),
    issuer: Type.String({
      format: 'uri',
      pattern: '^https?://',
      description: 'OIDC issuer URL; <issuer>/.well-known/openid-configuration is discovered.',
    }),
    clientId: Type.String({ minLength: 1, description: 'Client ID registered at the IdP.' }),
    clientSecret: secret(Type.String({ minLength: 1, description: 'Client secret registered at the IdP.' })),
    tokenEndpointAuthMethod: Enum(['client_secret_basic', 'client_secret_post'], {
      default: 'client_secret_basic',
      description: 'How the client authenticates at the token endpoint (RFC 6749 §2.3.1).',
    }),
    scopes: Type.Array(Type.String({ pattern: '^[\\x21\\x23-\\x5b\\x5d-\\x7e]+$' }), {
      default: ['openid', 'email', 'profile'],
      description: 'Scopes requested; must include openid. Add the scope that releases groups if needed.',
    }),
    ...mappingFields({ email: 'email', name: 'name', groups: 'groups' }, 'claim'),
    postLogoutRedirectUrl: Type.Optional(
      Type.String({
        format: 'uri',
        description: 'Where the IdP returns after sign-out; default <publicUrl>/.',
      }),
    ),
    allowInsecureHttp: Type.Boolean({
      default: false,
      description: 'Allow an http:// issuer (development only; tokens would cross the network in clear).',
    }),
  },
  { additionalProperties: false },
);

/** One configured OIDC connection, defaults applied. */
export type OidcConnectionConfig = Static<typeof OidcConnectionConfig>;

export const AuthConfig = section(
  {
    oidc: section(
      {
        connections: secret(
          Type.Array(OidcConnectionConfig, {
            default: [],
            description:
              'OIDC connections (JSON array in AILA_AUTH_OIDC_CONNECTIONS). Secret as a whole because entries carry client secrets.',
          }),
        ),
      },
      'OpenID Connect single sign-on (docs/sso.md).',
    ),
    saml: section(
      {
        connections: secret(
          Type.Array(SamlConnectionConfig, {
            default: [],
            description:
              'SAML 2.0 connections (JSON array in AILA_AUTH_SAML_CONNECTIONS). Secret as a whole because entries carry SP private keys.',
          }),
        ),
      },
      'SAML 2.0 single sign-on (docs/sso.md).',
    ),
    session: section(
      {
        idleTimeoutMs: Type.Integer({
          minimum: 1000,
          default: 7_200_000,
          description: 'A session ends after this long without a request (measured to within a minute).',
        }),
        absoluteTimeoutMs: Type.Integer({
          minimum: 1000,
          default: 43_200_000,
          description: 'A session ends this long after sign-in, whatever the activity.',
        }),
        insecureCookies: Type.Boolean({
          default: false,
          description:
            'Development only: cookie aila_session without Secure, for http://localhost. Default: __Host-aila_session, Secure.',
        }),
      },
      'Browser sessions.',
    ),
    loginTimeoutMs: Type.Integer({
      minimum: 10_000,
      default: 600_000,
      description: 'How long a sign-in may take between /auth/login and the IdP callback.',
    }),
    apiKeys: section(
      {
        defaultLifetimeDays: Type.Integer({
          minimum: 1,
          default: 90,
          description: 'Lifetime of a new API key when the request names none.',
        }),
        maxLifetimeDays: Type.Integer({
          minimum: 1,
          default: 365,
          description: 'Longest lifetime a user may give an API key.',
        }),
        cacheTtlMs: Type.Integer({
          minimum: 0,
          maximum: 60000,
          default: 5000,
          description:
            'How long a replica may reuse a looked-up key and its owner (0: look up on every request). Revoking a key, disabling its owner or changing their roles takes effect at once on the replica that made the change and, through PostgreSQL notifications, within milliseconds on the others; this is the bound if a notification could be missed.',
        }),
      },
      'Personal API keys (aila_...).',
    ),
    device: section(
      {
        codeLifetimeSeconds: Type.Integer({
          minimum: 60,
          maximum: 3600,
          default: 600,
          description: 'How long a device code (aila login) waits for approval (RFC 8628 §3.2 expires_in).',
        }),
        pollIntervalSeconds: Type.Integer({
          minimum: 1,
          maximum: 60,
          default: 5,
          description: 'Minimum seconds between two token polls (RFC 8628 §3.2 interval).',
        }),
        keyLifetimeHours: Type.Integer({
          minimum: 1,
          maximum: 720,
          default: 12,
          description: 'Lifetime of the API key a device login receives.',
        }),
      },
      'Device login for the CLI and IDEs (OAuth 2.0 Device Authorization Grant, RFC 8628).',
    ),
    breakGlass: section(
      {
        enabled: Type.Boolean({
          default: false,
          description: 'Enable the local break-glass administrator (POST /auth/break-glass). Off by default.',
        }),
        username: Type.String({
          pattern: '^[a-z0-9][a-z0-9._-]{0,63}$',
          default: 'break-glass',
          description: 'User name of the break-glass administrator.',
        }),
        passwordHash: Type.Optional(
          secret(
            Type.String({
              pattern: '^scrypt\\$',
              description: 'scrypt hash of its password, from `aila admin hash-password`.',
            }),
          ),
        ),
      },
      'Local break-glass administrator for when SSO is down (every use is audited).',
    ),
  },
  'Authentication: SSO connections, sessions, API keys.',
);

/** The validated `auth` configuration. */
export type AuthConfig = Static<typeof AuthConfig>;
