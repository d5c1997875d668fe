import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import {
  type Access,
  type Permission,
  ROLE_GRANTS,
  type Role,
  type RouteDeclaration,
} from '../../src/identity/index.js';
import { Browser, type SsoFixture, signIn, startSsoFixture } from './support.js';

/**
 * The roles table of ARCHITECTURE.md, written out independently of rbac.ts: permission -> scope per
 * role. The policy module must say exactly this, and every route must enforce it.
 */
const EXPECTED: Record<Role, Partial<Record<Permission, 'all' | 'team' | 'own'>>> = {
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

const SIGN_INS: Record<Role, string> = {
  admin: 'admin@ai-la.dev',
  auditor: 'auditor@ai-la.dev',
  team_admin: 'lead@ai-la.dev',
  developer: 'dev@ai-la.dev',
};

type Principal = Role | 'anonymous';

function expectedAllowed(principal: Principal, access: Access): boolean {
  if (access === 'public') return true;
  // SCIM routes take a SCIM token only; no user, however privileged, reaches them (scim.int.test.ts).
  if (principal === 'anonymous' || access === 'scim') return false;
  return access === 'authenticated' || EXPECTED[principal][access] !== undefined;
}

/** How a refusal looks: 401 without credentials (or without the SCIM token a route needs), else 403. */
const expectedDenialOf = (principal: Principal, access: Access) =>
  principal === 'anonymous' || access === 'scim' ? 401 : 403;

/** A concrete request path for a route pattern: fresh UUIDs for ids, the configured connection. */
const concrete = (path: string) =>
  path.replace(/:(\w+)/g, (_m, name: string) => (name === 'connection' ? 'dev' : randomUUID()));

describe('RBAC: every route for every role', () => {
  let sso: SsoFixture;
  let routes: RouteDeclaration[];
  const browsers = new Map<Principal, Browser>();

  before(async () => {
    sso = await startSsoFixture();
    for (const role of Object.keys(SIGN_INS) as Role[])
      browsers.set(role, await signIn(sso.app, SIGN_INS[role]));
    browsers.set('anonymous', new Browser(sso.app.url));
    const admin = browsers.get('admin') as Browser;
    routes = (await admin.json<{ routes: RouteDeclaration[] }>('/api/v1/admin/rbac')).routes;
  });
  after(() => sso.stop());

  test('the policy module states the roles table of ARCHITECTURE.md', () => {
    assert.deepEqual(ROLE_GRANTS, EXPECTED);
  });

  test('the registry holds every route, each with a declared access', () => {
    const keys = routes.map((r) => `${r.method} ${r.path}`);
    for (const route of [
      'GET /api/v1/me',
      'POST /api/v1/me/keys',
      'GET /auth/login',
      'GET /api/v1/admin/users',
      'GET /api/v1/version',
      'GET /auth/saml/:connection/metadata',
      'POST /auth/saml/:connection/acs',
      'GET /auth/saml/:connection/slo',
      'POST /auth/device/code',
      'POST /auth/device/token',
      'POST /api/v1/device/:user_code/approve',
      'GET /scim/v2/Users',
      'PATCH /scim/v2/Groups/:id',
      'POST /api/v1/admin/scim-tokens',
      'GET /api/v1/admin/idp/connections',
      'GET /api/v1/admin/idp/connections/:connection',
      'POST /api/v1/admin/idp/connections/:connection/test-login',
      'GET /api/v1/admin/idp/test-logins/:id',
      'GET /api/v1/admin/models',
      'GET /api/v1/admin/quotas/plans/:id/consumption',
      'POST /auth/break-glass',
      'GET /auth/bootstrap',
      'POST /api/v1/compliance/exports',
      'GET /api/v1/compliance/exports/:id/download',
      'GET /api/v1/audit/export',
      'POST /api/v1/generate',
      'POST /api/v1/analyze',
      'POST /api/v1/chat',
      'GET /api/v1/projects/:id/tasks/:taskId',
      'GET /api/v1/conversations/:id/messages',
      'GET /api/v1/operations',
    ]) {
      assert.ok(keys.includes(route), route);
    }
    assert.equal(new Set(keys).size, keys.length);
    for (const route of routes) assert.ok(route.access, `${route.method} ${route.path}`);
  });

  for (const principal of ['anonymous', 'developer', 'auditor', 'team_admin', 'admin'] as const) {
    test(`${principal}: allowed exactly where the policy allows`, async () => {
      const browser = browsers.get(principal) as Browser;
      // Sign-out last, so the session serves every other route first.
      const ordered = [...routes].sort(
        (a, b) => Number(a.path === '/auth/logout') - Number(b.path === '/auth/logout'),
      );
      const mismatches: string[] = [];
      for (const route of ordered) {
        const path = concrete(route.path);
        const withBody = route.method === 'POST' || route.method === 'PUT' || route.method === 'PATCH';
        const res =
          route.method === 'GET'
            ? await browser.fetch(path)
            : await browser.send(route.method, path, withBody ? {} : undefined);
        const text = await res.text();
        const code = res.headers.get('content-type')?.startsWith('application/json')
          ? (JSON.parse(text) as { error?: { code?: string } }).error?.code
          : undefined;
        const denied = res.status === 401 || (res.status === 403 && code === 'FORBIDDEN');
        const allowed = expectedAllowed(principal, route.access);
        const expectedDenial = expectedDenialOf(principal, route.access);
        if (allowed && denied)
          mismatches.push(
            `${route.method} ${route.path} (${route.access}): denied with ${res.status} ${code}`,
          );
        if (!allowed && res.status !== expectedDenial)
          mismatches.push(
            `${route.method} ${route.path} (${route.access}): expected ${expectedDenial}, got ${res.status} ${code}`,
          );
      }
      assert.deepEqual(mismatches, []);
      // The walk exercised both sides of the policy (an admin is allowed on every user route).
      const userRoutes = routes.filter((r) => r.access !== 'scim');
      const decisions = new Set(userRoutes.map((r) => expectedAllowed(principal, r.access)));
      assert.equal(decisions.size, principal === 'admin' ? 1 : 2);
    });
  }
});
