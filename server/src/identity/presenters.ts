import { type ApiKeyRow, keyStatus } from './keys/repository.js';
import type { Principal } from './principal.js';
import type { Grants } from './rbac.js';
import type { SessionRow } from './sessions/repository.js';
import type { MembershipRow, TeamMemberRow, TeamRow } from './teams/repository.js';
import type { IdentityRow, UserRow } from './users/repository.js';
import type { RoleBindingRow } from './users/role-bindings.js';

/*
 * Response shapes. Rows never reach a response directly: only these functions choose fields, so
 * token and key hashes cannot leak through a new column.
 */

const iso = (date: Date | null) => (date ? date.toISOString() : null);

export const presentUser = (row: UserRow) => ({
  id: row.id,
  email: row.email,
  name: row.name,
  status: row.status,
  created_at: iso(row.created_at),
  last_login_at: iso(row.last_login_at),
  disabled_at: iso(row.disabled_at),
});

export const presentRoleBinding = (row: RoleBindingRow) => ({
  role: row.role,
  team_id: row.team_id,
  team_slug: row.team_slug,
  source: row.source,
  created_at: iso(row.created_at),
});

export const presentMembership = (row: MembershipRow) => ({
  id: row.team_id,
  slug: row.slug,
  name: row.name,
  role: row.role,
  source: row.source,
});

export const presentIdentity = (row: IdentityRow) => ({
  connection: row.connection,
  subject: row.subject,
  created_at: iso(row.created_at),
  last_login_at: iso(row.last_login_at),
});

export const presentGrants = (grants: Grants) =>
  Object.fromEntries([...grants].sort(([a], [b]) => a.localeCompare(b)));

/** The signed-in principal's view of itself (`GET /api/v1/me`). */
export function presentMe(
  principal: Principal,
  user: UserRow,
  roles: RoleBindingRow[],
  teams: MembershipRow[],
) {
  const { credential } = principal;
  return {
    user: presentUser(user),
    roles: roles.map(presentRoleBinding),
    teams: teams.map(presentMembership),
    permissions: presentGrants(principal.grants),
    auth:
      credential.type === 'session'
        ? { method: 'session' as const, session_id: credential.sessionId, connection: credential.connection }
        : { method: 'api_key' as const, api_key_id: credential.keyId, scopes: credential.scopes },
    // Echo this in the x-csrf-token header of state-changing requests made with the session cookie.
    ...(credential.type === 'session' ? { csrf_token: credential.csrfToken } : {}),
  };
}

export const presentSession = (row: SessionRow, idleExpiresAt: Date, currentId: string | undefined) => ({
  id: row.id,
  current: row.id === currentId,
  connection: row.connection,
  user_agent: row.user_agent,
  created_at: iso(row.created_at),
  last_seen_at: iso(row.last_seen_at),
  expires_at: iso(row.expires_at),
  idle_expires_at: iso(idleExpiresAt),
});

export const presentKey = (row: ApiKeyRow, now = new Date()) => ({
  id: row.id,
  user_id: row.user_id,
  name: row.name,
  prefix: row.prefix,
  scopes: row.scopes,
  status: keyStatus(row, now),
  created_at: iso(row.created_at),
  expires_at: iso(row.expires_at),
  last_used_at: iso(row.last_used_at),
  revoked_at: iso(row.revoked_at),
});

export const presentTeam = (row: TeamRow & { member_count?: number }) => ({
  id: row.id,
  slug: row.slug,
  name: row.name,
  description: row.description,
  created_at: iso(row.created_at),
  updated_at: iso(row.updated_at),
  ...(row.member_count === undefined ? {} : { member_count: row.member_count }),
});

export const presentMember = (row: TeamMemberRow) => ({
  user_id: row.user_id,
  email: row.email,
  name: row.name,
  status: row.status,
  role: row.role,
  source: row.source,
  created_at: iso(row.created_at),
});
