import type { ApiKeyService } from '../keys/service.js';
import {
  presentGrants,
  presentIdentity,
  presentKey,
  presentMembership,
  presentRoleBinding,
  presentUser,
} from '../presenters.js';
import { actorOf } from '../principal.js';
import { API_KEY_SCOPES, PERMISSIONS, type Permission, ROLE_GRANTS, ROLES, type Scope } from '../rbac.js';
import { type DeclaredRouter, handle, type RouteRegistry } from '../route-registry.js';
import { IdParams, KeysQuery, SetRolesBody, UsersQuery } from '../schemas.js';
import type { UserDetail, UserService } from '../users/service.js';

export interface AdminRoutesDeps {
  users: UserService;
  keys: ApiKeyService;
  registry: RouteRegistry;
}

const presentDetail = ({ user, roles, teams, identities }: UserDetail) => ({
  user: presentUser(user),
  roles: roles.map(presentRoleBinding),
  teams: teams.map(presentMembership),
  identities: identities.map(presentIdentity),
});

/** User administration, all keys, and the access policy under `/api/v1/admin`. */
export function adminRoutes(r: DeclaredRouter, { users, keys, registry }: AdminRoutesDeps): void {
  r.get(
    '/api/v1/admin/users',
    'users:manage',
    ...handle({ query: UsersQuery }, async (req, res) => {
      const { rows, total } = await users.search(req.query);
      res.json({ users: rows.map(presentUser), total });
    }),
  );

  r.get(
    '/api/v1/admin/users/:id',
    'users:manage',
    ...handle({ params: IdParams }, async (req, res) => {
      res.json(presentDetail(await users.get(req.params.id)));
    }),
  );

  r.put(
    '/api/v1/admin/users/:id/roles',
    'users:manage',
    ...handle({ params: IdParams, body: SetRolesBody }, async (req, res) => {
      const roles = req.body.roles.map((b) => ({ role: b.role, teamId: b.team_id ?? null }));
      res.json(presentDetail(await users.setPinnedRoles(actorOf(req), req.params.id, roles)));
    }),
  );

  r.post(
    '/api/v1/admin/users/:id/disable',
    'users:manage',
    ...handle({ params: IdParams }, async (req, res) => {
      res.json(presentDetail(await users.disable(actorOf(req), req.params.id)));
    }),
  );

  r.post(
    '/api/v1/admin/users/:id/enable',
    'users:manage',
    ...handle({ params: IdParams }, async (req, res) => {
      res.json(presentDetail(await users.enable(actorOf(req), req.params.id)));
    }),
  );

  r.delete(
    '/api/v1/admin/users/:id/sessions',
    'users:manage',
    ...handle({ params: IdParams }, async (req, res) => {
      res.json({ revoked: await users.revokeSessions(actorOf(req), req.params.id) });
    }),
  );

  r.get(
    '/api/v1/admin/keys',
    'keys:manage',
    ...handle({ query: KeysQuery }, async (req, res) => {
      const { rows, total } = await keys.list({ ...req.query, userId: req.query.user_id });
      res.json({ keys: rows.map((row) => presentKey(row)), total });
    }),
  );

  r.delete(
    '/api/v1/admin/keys/:id',
    'keys:manage',
    ...handle({ params: IdParams }, async (req, res) => {
      res.json({ key: presentKey(await keys.revoke(actorOf(req), req.params.id)) });
    }),
  );

  // The policy as data: for the admin console's role pages, and for checking what each route needs.
  r.get('/api/v1/admin/rbac', 'users:manage', (_req, res) => {
    res.json({
      permissions: PERMISSIONS,
      roles: Object.fromEntries(
        ROLES.map((role) => [
          role,
          presentGrants(new Map(Object.entries(ROLE_GRANTS[role]) as Array<[Permission, Scope]>)),
        ]),
      ),
      api_key_scopes: API_KEY_SCOPES,
      routes: registry.list(),
    });
  });
}
