import type { Db } from '../../platform/db/knex.js';
import type { ErrorCode } from '../../platform/errors.js';
import type { ConnectionMapping } from '../config-shared.js';
import { type ExternalProfile, mapGroups, readProfile } from '../oidc/claims.js';
import type { Role } from '../rbac.js';
import { grantsOf } from '../scim/grants.js';
import { groupsOfUser } from '../scim/repository.js';
import { findTeamBySlug } from '../teams/repository.js';
import { findExistingUser } from '../users/provisioning.js';
import { findIdentity } from '../users/repository.js';
import { bindingsOf } from '../users/role-bindings.js';

/** A role as the preview shows it: team_admin with the team's slug. */
export interface PreviewRole {
  role: Role;
  team: string | null;
  source: 'groups' | 'default_role' | 'pinned';
}

/**
 * What a sign-in with these claims would do, computed with the same rules as a real sign-in
 * (readProfile, the SCIM-aware group grants, admin-pinned roles) but reading only: nothing is
 * created, linked or changed.
 */
export interface MappingPreview {
  profile: Omit<ExternalProfile, 'connection'> | null;
  /** Groups named by the SCIM groups the existing user belongs to on this connection. */
  scimGroups: string[];
  teams: Array<{ slug: string; role: 'member' | 'team_admin'; exists: boolean }>;
  user:
    | { match: 'new' }
    | { match: 'identity' | 'email'; id: string; email: string; name: string; status: string };
  roles: PreviewRole[];
  verdict:
    | { outcome: 'sign_in'; created: boolean }
    | { outcome: 'refused'; code: ErrorCode; reason: string; message: string };
}

const REFUSALS: Record<string, { code: ErrorCode; message: string }> = {
  email_missing: { code: 'SSO_FAILED', message: 'No e-mail address in the claim the connection reads.' },
  email_unverified: { code: 'SSO_FAILED', message: 'The IdP says the e-mail address is not verified.' },
  domain_not_allowed: {
    code: 'SSO_FAILED',
    message: 'The e-mail domain is not one of the domains the connection serves.',
  },
  user_disabled: { code: 'SSO_USER_DISABLED', message: 'The user is disabled in AI-LA.' },
  not_entitled: {
    code: 'SSO_NOT_ENTITLED',
    message: 'No group maps to a role, there is no default role, and no role is pinned.',
  },
};

const refused = (reason: keyof typeof REFUSALS) => {
  const { code, message } = REFUSALS[reason] as { code: ErrorCode; message: string };
  return { outcome: 'refused' as const, code, reason, message };
};

/** Previews the sign-in of `subject` with `claims` on a connection (see {@link MappingPreview}). */
export async function previewSignIn(
  db: Db,
  mapping: ConnectionMapping,
  subject: string,
  claims: Record<string, unknown>,
): Promise<MappingPreview> {
  const read = readProfile(mapping, subject, claims);
  if (typeof read === 'string') {
    return {
      profile: null,
      scimGroups: [],
      teams: [],
      user: { match: 'new' },
      roles: [],
      verdict: refused(read),
    };
  }
  const { connection: _, ...profile } = read;
  const existing = await findExistingUser(db, read);
  const match = existing && (await findIdentity(db, read.connection, read.subject)) ? 'identity' : 'email';
  const user: MappingPreview['user'] = existing
    ? { match, id: existing.id, email: existing.email, name: existing.name, status: existing.status }
    : { match: 'new' };
  const scimGroups = existing
    ? (await groupsOfUser(db, mapping.name, existing.id)).map((g) => g.display_name)
    : [];
  const grants = await grantsOf(db, mapping, existing?.id, read.groups);
  const fromGroups = new Set(
    mapGroups({ ...mapping, defaultRole: undefined }, [...read.groups, ...scimGroups]).roles,
  );

  const teams: MappingPreview['teams'] = [];
  const roles: PreviewRole[] = grants.roles.map((role) => ({
    role,
    team: null,
    source: fromGroups.has(role) ? 'groups' : 'default_role',
  }));
  for (const [slug, role] of grants.teams) {
    teams.push({ slug, role, exists: (await findTeamBySlug(db, slug)) !== undefined });
    if (role === 'team_admin') roles.push({ role: 'team_admin', team: slug, source: 'groups' });
  }
  if (existing) {
    for (const b of await bindingsOf(db, existing.id)) {
      if (b.source !== 'admin') continue;
      if (roles.some((r) => r.role === b.role && r.team === b.team_slug)) continue;
      roles.push({ role: b.role, team: b.team_slug, source: 'pinned' });
    }
  }
  const verdict: MappingPreview['verdict'] =
    existing?.status === 'disabled'
      ? refused('user_disabled')
      : roles.length === 0
        ? refused('not_entitled')
        : { outcome: 'sign_in', created: !existing };
  return { profile, scimGroups, teams, user, roles, verdict };
}
