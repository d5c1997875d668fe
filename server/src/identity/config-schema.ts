import { type Static, type TSchema, Type } from '@sinclair/typebox';

/*
 * The `auth` section of the configuration. Defined here, next to the code that uses it, and imported by
 * config/schema.ts. The small helpers below mirror that file's (which cannot be imported from here
 * without an import cycle).
 */

const secret = <T extends TSchema>(schema: T): T => ({ ...schema, 'x-secret': true });

const Enum = <const T extends readonly string[]>(values: T, options: Record<string, unknown> = {}) =>
  Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });

const section = <T extends Parameters<typeof Type.Object>[0]>(properties: T, description: string) =>
  Type.Object(properties, { additionalProperties: false, default: {}, description });

/** Roles an IdP group can grant directly; team_admin comes with a team, through `groupTeams`. */
export const GROUP_ROLES = ['admin', 'auditor', 'developer'] as const;

const TeamMapping = Type.Union([
  Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,63}$', description: 'Team slug; members join as member.' }),
  Type.Object(
    {
      team: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,63}$', description: 'Team slug.' }),
      // No default: ajv cannot apply defaults inside anyOf; a missing role means member.
      role: Type.Optional(Enum(['member', 'team_admin'], { description: 'Role within the team (member).' })),
    },
    { additionalProperties: false },
  ),
]);

export const OidcConnectionConfig = Type.Object(
  {
    name: Type.String({
      pattern: '^[a-z0-9][a-z0-9-]{0,31}$',
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
    claims: Type.Object(
      {
        email: Type.String({ minLength: 1, default: 'email', description: 'Claim holding the e-mail.' }),
        name: Type.String({ minLength: 1, default: 'name', description: 'Claim holding the display name.' }),
        groups: Type.String({
          minLength: 1,
          default: 'groups',
          description: 'Claim holding the group list.',
        }),
      },
      { additionalProperties: false, default: {}, description: 'Names of the claims read from the IdP.' },
    ),
    groupRoles: Type.Record(Type.String({ minLength: 1 }), Enum(GROUP_ROLES), {
      default: {},
      description: 'IdP group -> role (admin, auditor, developer).',
    }),
    groupTeams: Type.Record(Type.String({ minLength: 1 }), TeamMapping, {
      default: {},
      description: 'IdP group -> team slug, or { team, role: member|team_admin }. Teams are created on use.',
    }),
    defaultRole: Type.Optional(
      Enum(GROUP_ROLES, { description: 'Role for users whose groups map to no role. Unset: no role.' }),
    ),
    domains: Type.Array(Type.String({ pattern: '^[a-z0-9.-]+$' }), {
      default: [],
      description:
        'E-mail domains this connection serves (login by e-mail) and may assert. Empty: any domain.',
    }),
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
      },
      'Personal API keys (aila_...).',
    ),
  },
  'Authentication: SSO connections, sessions, API keys.',
);

/** The validated `auth` configuration. */
export type AuthConfig = Static<typeof AuthConfig>;
