import { createHash } from 'node:crypto';
import type { Db } from '../../platform/db/knex.js';
import type { ConnectionMapping } from '../config-shared.js';
import { type GroupGrants, mapGroups } from '../oidc/claims.js';
import { groupsOfUser } from './repository.js';

/** Longest team slug (teams.slug pattern). */
const MAX_SLUG = 64;

/**
 * The slug of the team a SCIM group stands for when the connection maps it neither to a team nor to
 * a role: its display name in lower-case ASCII words joined by `-`; names without such characters get
 * a stable slug from their hash.
 */
export function slugOf(displayName: string): string {
  const words = displayName
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, MAX_SLUG)
    .replace(/-+$/, '');
  if (words !== '') return words;
  return `group-${createHash('sha256').update(displayName, 'utf8').digest('hex').slice(0, 12)}`;
}

/**
 * The team a SCIM group creates, if any: groups named in `groupTeams` join the mapped team and groups
 * named in `groupRoles` only grant their role (both at sign-in and over SCIM); any other group is a
 * team of its own.
 */
export function ownTeamOf(mapping: ConnectionMapping, displayName: string): { slug: string } | undefined {
  if (mapping.groupTeams[displayName] !== undefined || mapping.groupRoles[displayName] !== undefined) {
    return undefined;
  }
  return { slug: slugOf(displayName) };
}

/**
 * What a user's groups grant on a connection: the groups named at sign-in (claims or assertion
 * attributes) together with the SCIM groups the user belongs to. SCIM groups that are teams of their
 * own add a member's place in that team.
 */
export async function grantsOf(
  db: Db,
  mapping: ConnectionMapping,
  userId: string | undefined,
  signInGroups: readonly string[],
): Promise<GroupGrants> {
  const scimGroups = userId ? await groupsOfUser(db, mapping.name, userId) : [];
  const names = [...new Set([...signInGroups, ...scimGroups.map((g) => g.display_name)])];
  const grants = mapGroups(mapping, names);
  for (const group of scimGroups) {
    if (group.team_slug && !grants.teams.has(group.team_slug) && ownTeamOf(mapping, group.display_name)) {
      grants.teams.set(group.team_slug, 'member');
    }
  }
  return grants;
}
