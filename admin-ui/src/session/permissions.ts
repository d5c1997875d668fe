/** What the signed-in user may do, from the permissions `GET /api/v1/me` derives from their roles. */
import type { Me, Scope } from '../api/identity.js';

export type Permission =
  | 'gateway:use'
  | 'assistant:use'
  | 'keys:own'
  | 'usage:own'
  | 'team:manage'
  | 'users:manage'
  | 'keys:manage'
  | 'backends:manage'
  | 'settings:manage'
  | 'idp:manage'
  | 'audit:read'
  | 'receipts:read'
  | 'compliance:export';

/** A requirement: one permission, any of several, or just being signed in. */
export type Requirement = Permission | readonly Permission[] | 'authenticated';

export function scopeOf(me: Me, permission: Permission): Scope | undefined {
  return me.permissions[permission];
}

export function allows(me: Me, requirement: Requirement): boolean {
  if (requirement === 'authenticated') return true;
  const list: readonly Permission[] = typeof requirement === 'string' ? [requirement] : requirement;
  return list.some((p) => me.permissions[p] !== undefined);
}

const ROLE_LABELS: Record<string, string> = {
  admin: 'Admin',
  auditor: 'Auditor',
  team_admin: 'Team admin',
  developer: 'Developer',
};

export const roleLabel = (role: string): string => ROLE_LABELS[role] ?? role;

/** "Admin, Team admin (payments)". */
export function describeRoles(me: Me): string {
  const labels = me.roles.map((r) =>
    r.team_slug ? `${roleLabel(r.role)} (${r.team_slug})` : roleLabel(r.role),
  );
  return [...new Set(labels)].join(', ') || 'No role';
}
