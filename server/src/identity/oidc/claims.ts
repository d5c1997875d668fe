import type { ConnectionMapping } from '../config-shared.js';
import type { TeamRole } from '../teams/repository.js';

/** Roles a group can grant on its own (team_admin needs a team: see groupTeams). */
export type GroupRole = 'admin' | 'auditor' | 'developer';

/**
 * The person as the IdP describes them: read from the ID token and UserInfo claims (OIDC) or from the
 * assertion's NameID and attributes (SAML).
 */
export interface ExternalProfile {
  connection: string;
  subject: string;
  email: string;
  name: string;
  groups: string[];
}

/** What a user's groups grant through a connection's mapping. */
export interface GroupGrants {
  roles: GroupRole[];
  /** Team slug -> role in the team. */
  teams: Map<string, TeamRole>;
}

/** Why claims were refused (an auth.login failure reason). */
export type ClaimProblem = 'email_missing' | 'email_unverified' | 'domain_not_allowed';

/** E-mail syntax check: one @, something on each side, a dot in the domain; no spaces. */
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

const stringClaim = (value: unknown) =>
  typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;

/** Groups arrive as an array of strings, or a single string from some IdPs. */
function groupsOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.filter((g): g is string => typeof g === 'string');
  return [];
}

/** The e-mail domain, lower-cased. */
export const domainOf = (email: string) => email.slice(email.lastIndexOf('@') + 1).toLowerCase();

/**
 * Reads the profile from the merged claims (OIDC Core 1.0 §5.1) or assertion attributes (SAML 2.0
 * core §2.7.3) using the connection's claim names.
 * An e-mail is required; `email_verified: false` is refused, since the e-mail links accounts; when the
 * connection lists domains, the e-mail must belong to one of them.
 */
export function readProfile(
  connection: ConnectionMapping,
  subject: string,
  claims: Record<string, unknown>,
): ExternalProfile | ClaimProblem {
  const email = stringClaim(claims[connection.claims.email])?.toLowerCase();
  if (!email || !EMAIL.test(email)) return 'email_missing';
  if (claims.email_verified === false) return 'email_unverified';
  if (connection.domains.length > 0 && !connection.domains.includes(domainOf(email)))
    return 'domain_not_allowed';
  const name =
    stringClaim(claims[connection.claims.name]) ??
    stringClaim(claims.preferred_username) ??
    email.split('@')[0] ??
    email;
  return {
    connection: connection.name,
    subject,
    email,
    name: name.slice(0, 256),
    groups: groupsOf(claims[connection.claims.groups]),
  };
}

/**
 * Maps IdP groups to roles and teams with the connection's `groupRoles` and `groupTeams`; when no group
 * maps to a role, `defaultRole` applies. In a team, team_admin wins over member.
 */
export function mapGroups(connection: ConnectionMapping, groups: readonly string[]): GroupGrants {
  const roles = new Set<GroupRole>();
  const teams = new Map<string, TeamRole>();
  for (const group of groups) {
    const role = connection.groupRoles[group];
    if (role) roles.add(role);
    const team = connection.groupTeams[group];
    if (team === undefined) continue;
    const slug = typeof team === 'string' ? team : team.team;
    const teamRole: TeamRole = typeof team === 'string' ? 'member' : (team.role ?? 'member');
    if (teams.get(slug) !== 'team_admin') teams.set(slug, teamRole);
  }
  if (roles.size === 0 && connection.defaultRole) roles.add(connection.defaultRole);
  return { roles: [...roles].sort(), teams };
}
