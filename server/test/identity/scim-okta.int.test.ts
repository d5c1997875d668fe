import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createScimToken, eqFilter, GROUP_SCHEMA, ScimClient, USER_SCHEMA } from './scim-support.js';
import { type Browser, type SsoFixture, signIn, startSsoFixture } from './support.js';

interface UserDetail {
  user: { status: string; email: string; name: string };
  roles: Array<{ role: string; team_slug: string | null; source: string }>;
  teams: Array<{ slug: string; name: string; role: string }>;
}

/**
 * The request sequence Okta's SCIM 2.0 provisioning sends (Okta "SCIM 2.0 protocol reference"):
 * look the user up by userName, create, read, update with PUT, deactivate and reactivate with a
 * path-less PATCH; push groups, rename them with a path-less replace, add members, remove one with a
 * `members[value eq "..."]` path, delete the group.
 */
describe('SCIM: the Okta sequence', () => {
  let sso: SsoFixture;
  let admin: Browser;
  let scim: ScimClient;
  let userId = '';
  let groupId = '';

  before(async () => {
    sso = await startSsoFixture();
    admin = await signIn(sso.app, 'admin@ai-la.dev');
    scim = new ScimClient(sso.app.url, await createScimToken(admin, 'dev', 'Okta'));
  });
  after(() => sso.stop());

  const detail = () => admin.json<UserDetail>(`/api/v1/admin/users/${userId}`);

  test('GET /Users?filter=userName eq ... finds nobody yet', async () => {
    const res = await scim.get(`/Users?${eqFilter('userName', 'alice@ai-la.dev')}&startIndex=1&count=100`);
    assert.equal(res.status, 200);
    assert.match(res.contentType, /^application\/scim\+json/);
    assert.deepEqual(res.body, {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
      totalResults: 0,
      startIndex: 1,
      itemsPerPage: 0,
      Resources: [],
    });
  });

  test('POST /Users creates the user', async () => {
    const res = await scim.post('/Users', {
      schemas: [USER_SCHEMA],
      userName: 'alice@ai-la.dev',
      name: { givenName: 'Alice', familyName: 'Archer' },
      emails: [{ primary: true, value: 'alice@ai-la.dev', type: 'work' }],
      displayName: 'Alice Archer',
      locale: 'en-US',
      externalId: '00u1abcd2EFGH3ijk4x7',
      groups: [],
      password: 'ignored-by-the-appliance',
      active: true,
    });
    assert.equal(res.status, 201);
    userId = res.body.id;
    assert.match(userId, /^[0-9a-f-]{36}$/);
    assert.equal(res.body.userName, 'alice@ai-la.dev');
    assert.equal(res.body.active, true);
    assert.equal(res.body.externalId, '00u1abcd2EFGH3ijk4x7');
    assert.deepEqual(res.body.emails, [{ value: 'alice@ai-la.dev', type: 'work', primary: true }]);
    assert.equal(res.body.meta.location, `https://ai-la.test/scim/v2/Users/${userId}`);
    assert.equal((await detail()).user.name, 'Alice Archer');
  });

  test('GET /Users/:id and the filter find it; userName compares case-insensitively', async () => {
    const one = await scim.get(`/Users/${userId}`);
    assert.equal(one.status, 200);
    assert.equal(one.body.name.givenName, 'Alice');
    const found = await scim.get(`/Users?${eqFilter('userName', 'ALICE@ai-la.dev')}&startIndex=1&count=100`);
    assert.equal(found.body.totalResults, 1);
    assert.equal(found.body.Resources[0]?.id, userId);
  });

  test('PUT /Users/:id replaces the profile', async () => {
    const res = await scim.put(`/Users/${userId}`, {
      schemas: [USER_SCHEMA],
      id: userId,
      userName: 'alice@ai-la.dev',
      name: { givenName: 'Alice', familyName: 'Atwood' },
      emails: [{ primary: true, value: 'alice@ai-la.dev', type: 'work' }],
      displayName: 'Alice Atwood',
      externalId: '00u1abcd2EFGH3ijk4x7',
      active: true,
    });
    assert.equal(res.status, 200);
    assert.equal(res.body.name.familyName, 'Atwood');
    assert.equal((await detail()).user.name, 'Alice Atwood');
  });

  test('group push: a role group grants its role; another group becomes a team', async () => {
    const roles = await scim.post('/Groups', {
      schemas: [GROUP_SCHEMA],
      displayName: 'ai-la-developers',
      members: [{ value: userId, display: 'alice@ai-la.dev' }],
    });
    assert.equal(roles.status, 201);
    assert.deepEqual(
      roles.body.members?.map((m) => m.value),
      [userId],
    );
    const team = await scim.post('/Groups', {
      schemas: [GROUP_SCHEMA],
      displayName: 'Payments Squad',
      members: [],
    });
    assert.equal(team.status, 201);
    groupId = team.body.id;
    const added = await scim.patch(`/Groups/${groupId}`, [
      { op: 'add', path: 'members', value: [{ value: userId, display: 'alice@ai-la.dev' }] },
    ]);
    assert.equal(added.status, 200);
    const after = await detail();
    assert.deepEqual(
      after.roles.map((r) => [r.role, r.source]),
      [['developer', 'idp']],
    );
    assert.deepEqual(
      after.teams.map((t) => [t.slug, t.name, t.role]),
      [['payments-squad', 'Payments Squad', 'member']],
    );
    const user = await scim.get(`/Users/${userId}`);
    assert.deepEqual(user.body.groups.map((g) => g.display).sort(), ['Payments Squad', 'ai-la-developers']);
  });

  test('rename with a path-less replace: the members follow the group to its new team', async () => {
    const res = await scim.patch(`/Groups/${groupId}`, [
      { op: 'replace', value: { id: groupId, displayName: 'Payments Guild' } },
    ]);
    assert.equal(res.status, 200);
    assert.equal(res.body.displayName, 'Payments Guild');
    assert.deepEqual(
      (await detail()).teams.map((t) => t.slug),
      ['payments-guild'],
    );
  });

  test('remove a member with a members[value eq "..."] path', async () => {
    const res = await scim.patch(`/Groups/${groupId}`, [
      { op: 'remove', path: `members[value eq "${userId}"]` },
    ]);
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.members, []);
    assert.deepEqual((await detail()).teams, []);
  });

  test('deactivate and reactivate with a path-less replace of active', async () => {
    const off = await scim.patch(`/Users/${userId}`, [{ op: 'replace', value: { active: false } }]);
    assert.equal(off.status, 200);
    assert.equal(off.body.active, false);
    assert.equal((await detail()).user.status, 'disabled');
    const on = await scim.patch(`/Users/${userId}`, [{ op: 'replace', value: { active: true } }]);
    assert.equal(on.body.active, true);
    assert.equal((await detail()).user.status, 'active');
  });

  test('DELETE /Groups/:id; the group is gone, and so is the role it granted', async () => {
    const all = await scim.get(`/Groups?${eqFilter('displayName', 'ai-la-developers')}`);
    const roleGroup = all.body.Resources[0]?.id ?? '';
    assert.equal((await scim.delete(`/Groups/${roleGroup}`)).status, 204);
    const gone = await scim.get(`/Groups/${roleGroup}`);
    assert.equal(gone.status, 404);
    assert.deepEqual(gone.body.schemas, ['urn:ietf:params:scim:api:messages:2.0:Error']);
    assert.equal(gone.body.status, '404');
    assert.deepEqual((await detail()).roles, []);
  });

  test('every change is audited as scim.request by the token', async () => {
    const rows = await sso.app.db('audit_events').where({ action: 'scim.request', outcome: 'success' });
    assert.ok(rows.length >= 9);
    for (const row of rows) assert.equal(row.event.actor.type, 'scim');
  });
});
