import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createScimToken, ERROR_SCHEMA, eqFilter, ScimClient, USER_SCHEMA } from './scim-support.js';
import { type Browser, errorCode, type SsoFixture, signIn, startSsoFixture } from './support.js';

const user = (n: number) => ({
  schemas: [USER_SCHEMA],
  userName: `user${n}@ai-la.dev`,
  emails: [{ value: `user${n}@ai-la.dev`, primary: true }],
  name: { givenName: 'User', familyName: String(n) },
});

describe('SCIM: tokens, discovery, errors, paging', () => {
  let sso: SsoFixture;
  let admin: Browser;
  let secret: string;
  let scim: ScimClient;

  before(async () => {
    sso = await startSsoFixture();
    admin = await signIn(sso.app, 'admin@ai-la.dev');
    secret = await createScimToken(admin, 'dev');
    scim = new ScimClient(sso.app.url, secret);
  });
  after(() => sso.stop());

  test('the admin API creates, lists and revokes SCIM tokens; only the hash is stored', async () => {
    assert.match(secret, /^ailascim_[A-Za-z0-9_-]{43}$/);
    const listed = await admin.json<{ tokens: Array<Record<string, unknown>> }>('/api/v1/admin/scim-tokens');
    assert.equal(listed.tokens.length, 1);
    assert.equal(listed.tokens[0]?.connection, 'dev');
    assert.equal(listed.tokens[0]?.status, 'active');
    assert.ok(!JSON.stringify(listed).includes(secret));
    const rows = await sso.app.db('scim_tokens');
    assert.ok(!JSON.stringify(rows).includes(secret));

    const bad = await admin.send('POST', '/api/v1/admin/scim-tokens', { name: 'x', connection: 'nope' });
    assert.equal(bad.status, 400);
    const developer = await signIn(sso.app, 'dev@ai-la.dev');
    assert.equal(
      (await developer.send('POST', '/api/v1/admin/scim-tokens', { name: 'x', connection: 'dev' })).status,
      403,
    );

    const spare = await createScimToken(admin, 'dev', 'spare');
    const spareId = (
      await admin.json<{ tokens: Array<{ id: string; name: string }> }>('/api/v1/admin/scim-tokens')
    ).tokens.find((t) => t.name === 'spare')?.id;
    assert.equal((await new ScimClient(sso.app.url, spare).get('/Users')).status, 200);
    assert.equal((await admin.send('DELETE', `/api/v1/admin/scim-tokens/${spareId}`)).status, 200);
    const revoked = await new ScimClient(sso.app.url, spare).get('/Users');
    assert.equal(revoked.status, 401);
    const audit = await sso.app
      .db('audit_events')
      .whereIn('action', ['scim.token_created', 'scim.token_revoked']);
    assert.equal(audit.length, 3);
  });

  test('without a valid token: 401 in the SCIM error format with a Bearer challenge', async () => {
    for (const client of [
      new ScimClient(sso.app.url, undefined),
      new ScimClient(sso.app.url, 'ailascim_wrong'),
    ]) {
      const res = await client.get('/Users');
      assert.equal(res.status, 401);
      assert.match(res.contentType, /^application\/scim\+json/);
      assert.deepEqual(res.body.schemas, [ERROR_SCHEMA]);
      assert.equal(res.body.status, '401');
    }
    const bare = await fetch(`${sso.app.url}/scim/v2/Users`);
    assert.match(bare.headers.get('www-authenticate') ?? '', /^Bearer/);
    // A SCIM token is not a user credential, and a user session is not a SCIM credential.
    const me = await fetch(`${sso.app.url}/api/v1/me`, { headers: { authorization: `Bearer ${secret}` } });
    assert.equal(me.status, 401);
    assert.equal((await admin.fetch('/scim/v2/Users')).status, 401);
  });

  test('discovery: ServiceProviderConfig, ResourceTypes, Schemas', async () => {
    const config = await scim.get('/ServiceProviderConfig');
    assert.equal(config.status, 200);
    assert.equal((config.body.patch as { supported: boolean }).supported, true);
    assert.equal((config.body.filter as { maxResults: number }).maxResults, 200);
    const types = await scim.get('/ResourceTypes');
    assert.deepEqual(
      types.body.Resources.map((r) => r.id),
      ['User', 'Group'],
    );
    const schemas = await scim.get('/Schemas');
    assert.deepEqual(
      schemas.body.Resources.map((r) => r.id),
      [USER_SCHEMA, 'urn:ietf:params:scim:schemas:core:2.0:Group'],
    );
  });

  test('paging with startIndex and count', async () => {
    for (let n = 1; n <= 5; n++) assert.equal((await scim.post('/Users', user(n))).status, 201);
    const page = await scim.get('/Users?startIndex=2&count=2');
    assert.equal(page.body.totalResults, 5);
    assert.equal(page.body.startIndex, 2);
    assert.equal(page.body.itemsPerPage, 2);
    assert.deepEqual(
      page.body.Resources.map((r) => r.userName),
      ['user2@ai-la.dev', 'user3@ai-la.dev'],
    );
    const count = await scim.get('/Users?count=0');
    assert.equal(count.body.totalResults, 5);
    assert.deepEqual(count.body.Resources, []);
    const projected = await scim.get(`/Users?attributes=userName&${eqFilter('userName', 'user1@ai-la.dev')}`);
    assert.deepEqual(Object.keys(projected.body.Resources[0] ?? {}).sort(), [
      'id',
      'meta',
      'schemas',
      'userName',
    ]);
  });

  test('errors carry status and scimType (RFC 7644 §3.12)', async () => {
    const filter = await scim.get(`/Users?filter=${encodeURIComponent('userName co "x"')}`);
    assert.equal(filter.status, 400);
    assert.equal(filter.body.scimType, 'invalidFilter');
    const duplicate = await scim.post('/Users', user(1));
    assert.equal(duplicate.status, 409);
    assert.equal(duplicate.body.scimType, 'uniqueness');
    const noName = await scim.post('/Users', { schemas: [USER_SCHEMA], emails: [{ value: 'x@ai-la.dev' }] });
    assert.equal(noName.body.scimType, 'invalidValue');
    const schema = await scim.post('/Users', { userName: 'x@ai-la.dev' });
    assert.equal(schema.body.scimType, 'invalidSyntax');
    const id = (await scim.get(`/Users?${eqFilter('userName', 'user2@ai-la.dev')}`)).body.Resources[0]?.id;
    const noTarget = await scim.patch(`/Users/${id}`, [{ op: 'remove' }]);
    assert.equal(noTarget.body.scimType, 'noTarget');
    const badPath = await scim.patch(`/Users/${id}`, [{ op: 'replace', path: 'emails[type eq', value: 'x' }]);
    assert.equal(badPath.body.scimType, 'invalidPath');
    const badOp = await scim.patch(`/Users/${id}`, [{ op: 'move', path: 'active', value: true }]);
    assert.equal(badOp.body.scimType, 'invalidSyntax');
    const malformed = await fetch(`${sso.app.url}/scim/v2/Users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/scim+json' },
      body: '{"schemas": [',
    });
    assert.equal(malformed.status, 400);
    assert.equal(((await malformed.json()) as { scimType: string }).scimType, 'invalidSyntax');
    const unknown = await scim.get('/Users/00000000-0000-4000-8000-000000000000');
    assert.equal(unknown.status, 404);
    assert.equal((await scim.get('/Users/not-a-uuid')).status, 404);
    assert.equal((await scim.get('/Nothing')).status, 404);
    const refused = await sso.app.db('audit_events').where({ action: 'scim.request', outcome: 'failure' });
    assert.ok(refused.length >= 6);
  });

  test('a member that is not a user is refused', async () => {
    const res = await scim.post('/Groups', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
      displayName: 'ghosts',
      members: [{ value: '00000000-0000-4000-8000-000000000000' }],
    });
    assert.equal(res.status, 400);
    assert.equal(res.body.scimType, 'invalidValue');
    assert.equal(await errorCode(await admin.fetch('/api/v1/admin/teams/not-a-uuid')), 'VALIDATION_FAILED');
  });
});
