/**
 * The access policy: the one place that says which role may do what (ARCHITECTURE.md "Roles").
 * Routes name a permission; this file decides who holds it, and with which reach.
 */

/** Every permission a route can require. */
export const PERMISSIONS = [
  'gateway:use',
  'assistant:use',
  'keys:own',
  'usage:own',
  'team:manage',
  'users:manage',
  'keys:manage',
  'backends:manage',
  'settings:manage',
  'idp:manage',
  'audit:read',
  'receipts:read',
  'compliance:export',
  'content:break_glass',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

export const ROLES = ['admin', 'auditor', 'team_admin', 'developer'] as const;
export type Role = (typeof ROLES)[number];

/**
 * How far a granted permission reaches: everything, the teams the user administers, or the user's own
 * data. Handlers of scoped permissions filter by it.
 */
export type Scope = 'all' | 'team' | 'own';

const SCOPE_RANK: Record<Scope, number> = { own: 1, team: 2, all: 3 };

/** The roles table of ARCHITECTURE.md, permission by permission. */
export const ROLE_GRANTS: Readonly<Record<Role, Readonly<Partial<Record<Permission, Scope>>>>> = {
  admin: {
    'gateway:use': 'all',
    'assistant:use': 'all',
    'keys:own': 'own',
    'usage:own': 'own',
    'team:manage': 'all',
    'users:manage': 'all',
    'keys:manage': 'all',
    'backends:manage': 'all',
    'settings:manage': 'all',
    'idp:manage': 'all',
    'audit:read': 'all',
    'receipts:read': 'all',
    'compliance:export': 'all',
    // "break-glass only, audited": the handler records a content.read event for every access.
    'content:break_glass': 'all',
  },
  auditor: {
    'keys:own': 'own',
    'usage:own': 'own',
    'audit:read': 'all',
    'receipts:read': 'all',
    'compliance:export': 'all',
  },
  team_admin: {
    'gateway:use': 'all',
    'assistant:use': 'all',
    'keys:own': 'own',
    'usage:own': 'own',
    'team:manage': 'team',
    'audit:read': 'team',
    'receipts:read': 'team',
  },
  developer: {
    'gateway:use': 'all',
    'assistant:use': 'all',
    'keys:own': 'own',
    'usage:own': 'own',
    'audit:read': 'own',
    'receipts:read': 'own',
  },
};

/** API key scopes and the permissions each lets a key exercise (never more than its user holds). */
export const API_KEY_SCOPES = {
  gateway: ['gateway:use', 'usage:own'],
  assistant: ['assistant:use', 'usage:own'],
  'receipts:read': ['receipts:read'],
  'compliance:export': ['compliance:export'],
  admin: [
    'users:manage',
    'keys:manage',
    'team:manage',
    'backends:manage',
    'settings:manage',
    'idp:manage',
    'audit:read',
  ],
} as const satisfies Record<string, readonly Permission[]>;
export type ApiKeyScope = keyof typeof API_KEY_SCOPES;
export const API_KEY_SCOPE_NAMES = Object.keys(API_KEY_SCOPES) as ApiKeyScope[];

/** One role held by a user; team_admin carries the team it applies to. */
export interface RoleBinding {
  role: Role;
  teamId: string | null;
}

/** The permissions a principal holds, each with its widest scope. */
export type Grants = ReadonlyMap<Permission, Scope>;

/** Union of the roles' grants; where two roles grant a permission the wider scope wins. */
export function grantsOf(bindings: readonly RoleBinding[]): Map<Permission, Scope> {
  const grants = new Map<Permission, Scope>();
  for (const { role } of bindings) {
    for (const [permission, scope] of Object.entries(ROLE_GRANTS[role]) as Array<[Permission, Scope]>) {
      const held = grants.get(permission);
      if (!held || SCOPE_RANK[scope] > SCOPE_RANK[held]) grants.set(permission, scope);
    }
  }
  return grants;
}

/** Narrows a user's grants to what the API key's scopes allow. */
export function restrictToScopes(grants: Grants, scopes: readonly ApiKeyScope[]): Map<Permission, Scope> {
  const allowed = new Set<Permission>(scopes.flatMap((scope) => API_KEY_SCOPES[scope]));
  return new Map([...grants].filter(([permission]) => allowed.has(permission)));
}

/**
 * What a user must hold to create a key with a scope: the permission the scope exists for (for
 * admin, any management permission). Side permissions such as usage:own or audit:read do not count.
 */
const SCOPE_REQUIRES: Record<ApiKeyScope, readonly Permission[]> = {
  gateway: ['gateway:use'],
  assistant: ['assistant:use'],
  'receipts:read': ['receipts:read'],
  'compliance:export': ['compliance:export'],
  admin: ['users:manage', 'keys:manage', 'team:manage', 'backends:manage', 'settings:manage', 'idp:manage'],
};

/** True when a user with these grants may create a key with `scope`. */
export function mayHoldScope(grants: Grants, scope: ApiKeyScope): boolean {
  return SCOPE_REQUIRES[scope].some((permission) => grants.has(permission));
}

/** The teams a principal administers (where team-scoped permissions reach). */
export const administeredTeams = (bindings: readonly RoleBinding[]): string[] =>
  bindings.flatMap((b) => (b.role === 'team_admin' && b.teamId ? [b.teamId] : []));

/**
 * What a route requires: a permission, any signed-in principal (`authenticated`), nothing (`public`:
 * sign-in pages, health, version), or a SCIM provisioning token (`scim`: the IdP, never a user).
 */
export type Access = Permission | 'authenticated' | 'public' | 'scim';

/** The policy decision for one principal's grants (undefined: anonymous). No user reaches `scim`. */
export function isAllowed(grants: Grants | undefined, access: Access): boolean {
  if (access === 'public') return true;
  if (!grants || access === 'scim') return false;
  return access === 'authenticated' || grants.has(access);
}
