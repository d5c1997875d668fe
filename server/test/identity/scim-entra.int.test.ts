import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createScimToken, eqFilter, GROUP_SCHEMA, ScimClient, USER_SCHEMA } from './scim-support.js';
import { type Browser, type SsoFixture, signIn, startSsoFixture } from './support.js';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

/** A user as Entra ID's provisioning service posts it (Microsoft's SCIM reference requests). */
const entraUser = (userName: string, email: string, externalId: string) => ({
  schemas: [USER_SCHEMA, ENTERPRISE],
  externalId,
  userName,
  active: true,
  addresses: [{ primary: false, type: 'work', formatted: '1 Main St' }],
  displayName: 'Ella Entra',
  emails: [{ primary: true, type: 'work', value: email }],
  meta: { resourceType: 'User' },
  name: { formatted: 'Ella Entra', familyName: 'Entra', givenName: 'Ella' },
  title: 'Engineer',
  [ENTERPRISE]: { department: 'R&D', manager: { value: '' } },
  roles: [],
});

/**
 * The request sequence Entra ID's provisioning service sends: look up by userName and externalId,
 * create, PATCH with capitalised ops, filtered paths and "False" strings, delete; groups created
 * without members, looked up with excludedAttributes=members, renamed, members added and removed
 * with a value list, deleted.
 */
describe('SCIM: the Entra ID sequence', () => {
  let sso: SsoFixture;
  let admin: Browser;
  let scim: ScimClient;

  before(async () => {
    sso = await startSsoFixture();
    admin = await signIn(sso.app, 'admin@ai-la.dev');
    scim = new ScimClient(
      sso.app.url,
      await createScimToken(admin, 'dev', 'Entra ID'),
      'application/scim+json',
    );
  });
  after(() => sso.stop());

  test('users: lookup, create, lookup by externalId, PATCH attributes, disable with "False", delete', async () => {
    const userName = 'Test_User_dfeef4c5-5681-4387-b016-bdf221e82081';
    assert.equal((await scim.get(`/Users?${eqFilter('userName', userName)}`)).body.totalResults, 0);
    const created = await scim.post(
      '/Users',
      entraUser(userName, 'ella@ai-la.dev', '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef'),
    );
    assert.equal(created.status, 201);
    const id = created.body.id;
    assert.equal(created.body.userName, userName);
    assert.equal(created.body.emails[0]?.value, 'ella@ai-la.dev');
    const byExternal = await scim.get(
      `/Users?${eqFilter('externalId', '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef')}`,
    );
    assert.equal(byExternal.body.Resources[0]?.id, id);

    const patched = await scim.patch(`/Users/${id}`, [
      { op: 'Replace', path: 'emails[type eq "work"].value', value: 'ella.entra@ai-la.dev' },
      { op: 'Replace', path: 'name.familyName', value: 'Entra-Updated' },
      { op: 'Add', path: `${ENTERPRISE}:department`, value: 'Platform' },
      { op: 'Replace', value: { 'name.givenName': 'Eleanor' } },
    ]);
    assert.equal(patched.status, 200);
    assert.equal(patched.body.emails[0]?.value, 'ella.entra@ai-la.dev');
    assert.deepEqual(patched.body.name, {
      givenName: 'Eleanor',
      familyName: 'Entra-Updated',
      formatted: 'Eleanor Entra-Updated',
    });

    const disabled = await scim.patch(`/Users/${id}`, [{ op: 'Replace', path: 'active', value: 'False' }]);
    assert.equal(disabled.body.active, false);
    assert.equal((await scim.delete(`/Users/${id}`)).status, 204);
    assert.equal((await scim.get(`/Users/${id}`)).status, 404);
    assert.equal((await scim.get(`/Users?${eqFilter('userName', userName)}`)).body.totalResults, 0);
  });

  test('groups: create, filtered lookup without members, rename, add and remove members with a value list, delete', async () => {
    const user = await scim.post(
      '/Users',
      entraUser('grace@ai-la.dev', 'grace@ai-la.dev', 'b1c2d3e4-0000-4000-8000-000000000001'),
    );
    const userId = user.body.id;
    const group = await scim.post('/Groups', {
      schemas: [GROUP_SCHEMA],
      externalId: '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159',
      displayName: 'ai-la-auditors-staging',
      meta: { resourceType: 'Group' },
    });
    assert.equal(group.status, 201);
    const id = group.body.id;
    const found = await scim.get(
      `/Groups?excludedAttributes=members&${eqFilter('displayName', 'ai-la-auditors-staging')}`,
    );
    assert.equal(found.body.totalResults, 1);
    assert.equal(found.body.Resources[0]?.members, undefined);
    assert.equal((await scim.get(`/Groups/${id}?excludedAttributes=members`)).body.members, undefined);

    const renamed = await scim.patch(`/Groups/${id}`, [
      { op: 'Replace', path: 'displayName', value: 'ai-la-auditors' },
    ]);
    assert.equal(renamed.body.displayName, 'ai-la-auditors');
    const added = await scim.patch(`/Groups/${id}`, [
      { op: 'Add', path: 'members', value: [{ $ref: null, value: userId }] },
    ]);
    assert.deepEqual(
      added.body.members?.map((m) => m.value),
      [userId],
    );
    let roles = await admin.json<{ roles: Array<{ role: string }> }>(`/api/v1/admin/users/${userId}`);
    assert.deepEqual(
      roles.roles.map((r) => r.role),
      ['auditor'],
    );

    const removed = await scim.patch(`/Groups/${id}`, [
      { op: 'Remove', path: 'members', value: [{ $ref: null, value: userId }] },
    ]);
    assert.deepEqual(removed.body.members, []);
    roles = await admin.json(`/api/v1/admin/users/${userId}`);
    assert.deepEqual(roles.roles, []);
    assert.equal((await scim.delete(`/Groups/${id}`)).status, 204);
  });

  test('deactivation ends the user’s sessions and API keys at once', async () => {
    const dev = await signIn(sso.app, 'dev@ai-la.dev');
    const key = await dev.send('POST', '/api/v1/me/keys', { name: 'laptop', scopes: ['gateway'] });
    const { secret } = (await key.json()) as { secret: string };
    const withKey = () =>
      fetch(`${sso.app.url}/api/v1/me`, { headers: { authorization: `Bearer ${secret}` } });
    assert.equal((await withKey()).status, 200);

    // Entra provisions the person who already signed in: the account is adopted, not duplicated.
    const adopted = await scim.post(
      '/Users',
      entraUser('dev@ai-la.dev', 'dev@ai-la.dev', 'c0ffee00-0000-4000-8000-000000000002'),
    );
    assert.equal(adopted.status, 201);
    const me = await dev.json<{ user: { id: string } }>('/api/v1/me');
    assert.equal(adopted.body.id, me.user.id);

    const off = await scim.patch(`/Users/${adopted.body.id}`, [
      { op: 'Replace', path: 'active', value: 'False' },
    ]);
    assert.equal(off.body.active, false);
    assert.equal((await dev.fetch('/api/v1/me')).status, 401);
    assert.equal((await withKey()).status, 401);
    const disabled = await sso.app
      .db('audit_events')
      .where({ action: 'user.disabled', target_id: me.user.id })
      .first();
    assert.equal(disabled.event.actor.type, 'scim');
    assert.equal(disabled.event.details.sessions_revoked, 1);
    assert.equal(disabled.event.details.keys_revoked, 1);
  });
});
