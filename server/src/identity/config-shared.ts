import { type TSchema, Type } from '@sinclair/typebox';

/*
 * Schema helpers shared by the `auth` configuration files (OIDC and SAML connections). They mirror
 * config/schema.ts's helpers, which cannot be imported from here without an import cycle.
 */

/** Marks a value as secret: redacted wherever the configuration is printed. */
export const secret = <T extends TSchema>(schema: T): T => ({ ...schema, 'x-secret': true });

/** A string enum with its TypeScript union type. */
export const Enum = <const T extends readonly string[]>(values: T, options: Record<string, unknown> = {}) =>
  Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });

/** A configuration section: an object with defaults for every key. */
export const section = <T extends Parameters<typeof Type.Object>[0]>(properties: T, description: string) =>
  Type.Object(properties, { additionalProperties: false, default: {}, description });

/** Roles an IdP group can grant directly; team_admin comes with a team, through `groupTeams`. */
export const GROUP_ROLES = ['admin', 'auditor', 'developer'] as const;

/** Pattern of an SSO connection name (part of URLs, session rows and audit events). */
export const CONNECTION_NAME = '^[a-z0-9][a-z0-9-]{0,31}$';

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

/**
 * The fields every SSO connection has, whatever its protocol: where the profile is read from (claim
 * or attribute names), how groups map to roles and teams, and which e-mail domains it serves.
 */
export function mappingFields(claimDefaults: { email: string; name: string; groups: string }, what: string) {
  const What = `${what.charAt(0).toUpperCase()}${what.slice(1)}`;
  return {
    claims: Type.Object(
      {
        email: Type.String({
          minLength: 1,
          default: claimDefaults.email,
          description: `${What} holding the e-mail.`,
        }),
        name: Type.String({
          minLength: 1,
          default: claimDefaults.name,
          description: `${What} holding the display name.`,
        }),
        groups: Type.String({
          minLength: 1,
          default: claimDefaults.groups,
          description: `${What} holding the group list.`,
        }),
      },
      { additionalProperties: false, default: {}, description: `Names of the ${what}s read from the IdP.` },
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
  };
}

/** What group mapping and profile reading need from a connection, whatever its protocol. */
export interface ConnectionMapping {
  name: string;
  claims: { email: string; name: string; groups: string };
  groupRoles: Record<string, (typeof GROUP_ROLES)[number]>;
  groupTeams: Record<string, string | { team: string; role?: 'member' | 'team_admin' }>;
  defaultRole?: (typeof GROUP_ROLES)[number] | undefined;
  domains: string[];
}
