import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Browser, errorCode, type SsoFixture, signIn, startSsoFixture } from './support.js';

interface UserView {
  id: string;
  email: string;
  status: string;
}
interface Detail {
  user: UserView;
  roles: Array<{ role: string; team_id: string | null; team_slug: string | null; source: string }>;
  teams: Array<{ slug: string; role: string; source: string }>;
  identities: Array<{ connection: string; subject: string }>;
}
interface TeamView {
  id: string;
  slug: string;
  name: string;
  description: string;
  member_count?: number;
}

describe('user and team administration', () => {
  let sso: SsoFixture;
  let admin: Browser;
  let devId: string;
  let adminId: string;
  before(async () => {
    sso = await startSsoFixture();
    admin = await signIn(sso.app, 'admin@ai-la.dev');
    const dev = await signIn(sso.app, 'dev@ai-la.dev');
    devId = (await dev.json<{ user: UserView }>('/api/v1/me')).user.id;
    adminId = (await admin.json<{ user: UserView }>('/api/v1/me')).user.id;
  });
  after(() => sso.stop());

  const lastAudit = (action: string) =>
    sso.app.db('audit_events').where({ action }).orderBy('seq', 'desc').first() as Promise<{
      actor_id: string;
      target_id: string;
      event: { details: Record<string, unknown> };
    }>;
  const rolesOf = (d: Detail) => d.roles.map((r) => `${r.role}:${r.source}`).sort();

  test('list, search and page users; get one with roles and identities', async () => {
    const all = await admin.json<{ users: UserView[]; total: number }>('/api/v1/admin/users');
    assert.ok(all.total >= 2);
    const found = await admin.json<{ users: UserView[]; total: number }>('/api/v1/admin/users?q=DEV%40ai-la');
    assert.deepEqual(
      found.users.map((u) => u.email),
      ['dev@ai-la.dev'],
    );
    const paged = await admin.json<{ users: UserView[]; total: number }>(
      '/api/v1/admin/users?limit=1&offset=1',
    );
    assert.equal(paged.users.length, 1);
    assert.equal(paged.total, all.total);
    const detail = await admin.json<Detail>(`/api/v1/admin/users/${devId}`);
    assert.equal(detail.user.email, 'dev@ai-la.dev');
    assert.deepEqual(rolesOf(detail), ['developer:idp']);
    assert.deepEqual(
      detail.identities.map((i) => [i.connection, i.subject]),
      [['dev', '6f1c2a8e-3b4d-4e5f-8a9b-0c1d2e3f4a03']],
    );
    assert.equal((await admin.fetch('/api/v1/admin/users/not-a-uuid')).status, 400);
    assert.equal((await admin.fetch('/api/v1/admin/users/00000000-0000-4000-8000-000000000000')).status, 404);
  });

  test('admin-pinned roles survive sign-in; IdP-sourced roles follow the groups', async () => {
    const pinned = await admin.send('PUT', `/api/v1/admin/users/${devId}/roles`, {
      roles: [{ role: 'auditor' }],
    });
    assert.equal(pinned.status, 200);
    assert.deepEqual(rolesOf((await pinned.json()) as Detail), ['auditor:admin', 'developer:idp']);
    const granted = await lastAudit('role.granted');
    assert.equal(granted.actor_id, adminId);
    assert.equal(granted.target_id, devId);
    // No team: the member is left out (hashed audit JSON has no null, EVIDENCE.md §1).
    assert.deepEqual(granted.event.details, { role: 'auditor', source: 'admin' });

    // An IdP-sourced role the groups no longer grant is removed at the next sign-in.
    await sso.app.db('role_bindings').insert({
      id: '11111111-2222-4333-8444-555555555555',
      user_id: devId,
      role: 'admin',
      team_id: null,
      source: 'idp',
    });
    await signIn(sso.app, 'dev@ai-la.dev');
    const after = await admin.json<Detail>(`/api/v1/admin/users/${devId}`);
    assert.deepEqual(rolesOf(after), ['auditor:admin', 'developer:idp']);

    // Pinning a role the IdP grants makes it admin-sourced; unpinning everything leaves the IdP's.
    const pinBoth = await admin.send('PUT', `/api/v1/admin/users/${devId}/roles`, {
      roles: [{ role: 'developer' }, { role: 'auditor' }],
    });
    assert.deepEqual(rolesOf((await pinBoth.json()) as Detail), ['auditor:admin', 'developer:admin']);
    const cleared = await admin.send('PUT', `/api/v1/admin/users/${devId}/roles`, { roles: [] });
    assert.deepEqual(rolesOf((await cleared.json()) as Detail), []);
    await signIn(sso.app, 'dev@ai-la.dev');
    assert.deepEqual(rolesOf(await admin.json<Detail>(`/api/v1/admin/users/${devId}`)), ['developer:idp']);
    assert.equal((await lastAudit('role.revoked')).event.details.role, 'developer');
  });

  test('role changes are validated: team_admin needs an existing team', async () => {
    const noTeam = await admin.send('PUT', `/api/v1/admin/users/${devId}/roles`, {
      roles: [{ role: 'team_admin' }],
    });
    assert.equal(noTeam.status, 400);
    const unknownTeam = await admin.send('PUT', `/api/v1/admin/users/${devId}/roles`, {
      roles: [{ role: 'team_admin', team_id: '00000000-0000-4000-8000-000000000000' }],
    });
    assert.equal(unknownTeam.status, 409);
    assert.equal(await errorCode(unknownTeam), 'REFERENCE_NOT_FOUND');
    const badRole = await admin.send('PUT', `/api/v1/admin/users/${devId}/roles`, {
      roles: [{ role: 'root' }],
    });
    assert.equal(badRole.status, 400);
  });

  test('an admin cannot disable their own account; disabling is audited with what it revoked', async () => {
    const self = await admin.send('POST', `/api/v1/admin/users/${adminId}/disable`);
    assert.equal(self.status, 409);
    const auditor = await signIn(sso.app, 'auditor@ai-la.dev');
    const auditorId = (await auditor.json<{ user: UserView }>('/api/v1/me')).user.id;
    const res = await admin.send('POST', `/api/v1/admin/users/${auditorId}/disable`);
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as Detail).user.status, 'disabled');
    const event = await lastAudit('user.disabled');
    assert.equal(event.target_id, auditorId);
    assert.ok(Number(event.event.details.sessions_revoked) >= 1);
    assert.equal((await auditor.fetch('/api/v1/me')).status, 401);
    const enabled = await admin.send('POST', `/api/v1/admin/users/${auditorId}/enable`);
    assert.equal(((await enabled.json()) as Detail).user.status, 'active');
    assert.equal((await lastAudit('user.enabled')).target_id, auditorId);
  });

  test('teams: create, read, rename, membership, delete, each audited', async () => {
    const created = await admin.send('POST', '/api/v1/admin/teams', { slug: 'platform', name: 'Platform' });
    assert.equal(created.status, 201);
    const { team } = (await created.json()) as { team: TeamView };
    assert.equal((await lastAudit('team.created')).target_id, team.id);
    const duplicate = await admin.send('POST', '/api/v1/admin/teams', { slug: 'platform', name: 'Again' });
    assert.equal(duplicate.status, 409);

    const renamed = await admin.send('PATCH', `/api/v1/admin/teams/${team.id}`, {
      name: 'Platform Eng',
      description: 'infra',
    });
    assert.equal(((await renamed.json()) as { team: TeamView }).team.name, 'Platform Eng');

    const added = await admin.send('PUT', `/api/v1/admin/teams/${team.id}/members/${devId}`, {
      role: 'team_admin',
    });
    assert.equal(added.status, 200);
    const { members } = (await added.json()) as {
      members: Array<{ user_id: string; role: string; source: string }>;
    };
    assert.deepEqual(
      members.map((m) => [m.user_id, m.role, m.source]),
      [[devId, 'team_admin', 'admin']],
    );
    const detail = await admin.json<Detail>(`/api/v1/admin/users/${devId}`);
    assert.ok(
      detail.roles.some((r) => r.role === 'team_admin' && r.team_slug === 'platform' && r.source === 'admin'),
    );
    assert.deepEqual((await lastAudit('team.updated')).event.details, {
      change: 'member_set',
      user_id: devId,
      role: 'team_admin',
    });

    const demoted = await admin.send('PUT', `/api/v1/admin/teams/${team.id}/members/${devId}`, {});
    assert.equal(((await demoted.json()) as { members: Array<{ role: string }> }).members[0]?.role, 'member');
    const read = await admin.json<{ team: TeamView; members: unknown[] }>(`/api/v1/admin/teams/${team.id}`);
    assert.equal(read.members.length, 1);
    assert.equal((await admin.send('DELETE', `/api/v1/admin/teams/${team.id}/members/${devId}`)).status, 204);
    assert.equal((await admin.send('DELETE', `/api/v1/admin/teams/${team.id}/members/${devId}`)).status, 404);

    assert.equal((await admin.send('DELETE', `/api/v1/admin/teams/${team.id}`)).status, 204);
    assert.equal((await lastAudit('team.deleted')).target_id, team.id);
    assert.equal((await admin.fetch(`/api/v1/admin/teams/${team.id}`)).status, 404);
  });

  test('a team admin manages only the teams they administer', async () => {
    const lead = await signIn(sso.app, 'lead@ai-la.dev');
    const { teams } = await lead.json<{ teams: TeamView[] }>('/api/v1/admin/teams');
    assert.deepEqual(
      teams.map((t) => t.slug),
      ['payments'],
    );
    const payments = teams[0] as TeamView;
    const other = (await (
      await admin.send('POST', '/api/v1/admin/teams', { slug: 'research', name: 'Research' })
    ).json()) as {
      team: TeamView;
    };
    assert.equal((await lead.fetch(`/api/v1/admin/teams/${other.team.id}`)).status, 404);
    assert.equal(
      (await lead.send('PUT', `/api/v1/admin/teams/${other.team.id}/members/${devId}`, {})).status,
      404,
    );
    assert.equal(
      (await lead.send('PUT', `/api/v1/admin/teams/${payments.id}/members/${devId}`, {})).status,
      200,
    );
    assert.equal(
      (await lead.send('PATCH', `/api/v1/admin/teams/${payments.id}`, { description: 'payments' })).status,
      200,
    );
    const create = await lead.send('POST', '/api/v1/admin/teams', { slug: 'mine', name: 'Mine' });
    assert.equal(create.status, 403);
    assert.equal((await lead.send('DELETE', `/api/v1/admin/teams/${payments.id}`)).status, 403);
    assert.equal((await lead.fetch('/api/v1/admin/users')).status, 403);
  });
});
