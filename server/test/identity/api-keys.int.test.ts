import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { type Browser, errorCode, type SsoFixture, signIn, startSsoFixture } from './support.js';

interface KeyView {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  status: string;
  expires_at: string;
  last_used_at: string | null;
}
interface Me {
  user: { id: string };
  permissions: Record<string, string>;
  auth: { method: string; api_key_id?: string; scopes?: string[] };
  csrf_token?: string;
}

describe('API keys', () => {
  let sso: SsoFixture;
  let dev: Browser;
  let admin: Browser;
  before(async () => {
    sso = await startSsoFixture({ AILA_AUTH_API_KEYS_MAX_LIFETIME_DAYS: '30' });
    dev = await signIn(sso.app, 'dev@ai-la.dev');
    admin = await signIn(sso.app, 'admin@ai-la.dev');
  });
  after(() => sso.stop());

  const withKey = (secret: string, path: string, init: RequestInit = {}) =>
    fetch(`${sso.app.url}${path}`, {
      ...init,
      headers: { ...init.headers, authorization: `Bearer ${secret}` },
    });

  async function createKey(browser: Browser, body: Record<string, unknown>) {
    const res = await browser.send('POST', '/api/v1/me/keys', body);
    assert.equal(res.status, 201, await res.clone().text());
    return (await res.json()) as { key: KeyView; secret: string };
  }

  test('a key is shown once, stored as its SHA-256, and listed without secret or hash', async () => {
    const { key, secret } = await createKey(dev, {
      name: 'laptop',
      scopes: ['gateway', 'assistant'],
      expires_in_days: 7,
    });
    assert.match(secret, /^aila_[A-Za-z0-9_-]{43}$/);
    assert.ok(secret.startsWith(key.prefix));
    assert.deepEqual(key.scopes, ['assistant', 'gateway']);
    assert.equal(key.status, 'active');
    const days = (new Date(key.expires_at).getTime() - Date.now()) / 86_400_000;
    assert.ok(days > 6.9 && days <= 7);
    const row = await sso.app.db('api_keys').where({ id: key.id }).first();
    assert.equal(row.key_hash, createHash('sha256').update(secret).digest('hex'));
    const listed = await dev.fetch('/api/v1/me/keys');
    const text = await listed.text();
    assert.ok(text.includes(key.id));
    assert.ok(!text.includes(secret) && !text.includes(row.key_hash) && !text.includes('key_hash'));
    const created = await sso.app.db('audit_events').where({ action: 'api_key.created', target_id: key.id });
    assert.equal(created.length, 1);
  });

  test('a key authenticates with its scopes only, needs no CSRF token, and records last use cheaply', async () => {
    const { key, secret } = await createKey(dev, { name: 'ide', scopes: ['gateway'] });
    const res = await withKey(secret, '/api/v1/me');
    assert.equal(res.status, 200);
    const me = (await res.json()) as Me;
    assert.equal(me.auth.method, 'api_key');
    assert.equal(me.auth.api_key_id, key.id);
    assert.equal(me.csrf_token, undefined);
    assert.deepEqual(Object.keys(me.permissions), ['gateway:use', 'usage:own']);
    const firstUse = (await sso.app.db('api_keys').where({ id: key.id }).first()).last_used_at as Date;
    assert.ok(firstUse);
    assert.equal((await withKey(secret, '/api/v1/me')).status, 200);
    const secondUse = (await sso.app.db('api_keys').where({ id: key.id }).first()).last_used_at as Date;
    assert.equal(secondUse.getTime(), firstUse.getTime(), 'no second write within a minute');
    // A key cannot mint keys: keys:own is not in any key scope.
    const mint = await withKey(secret, '/api/v1/me/keys', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'x', scopes: ['gateway'] }),
    });
    assert.equal(mint.status, 403);
  });

  test('scopes never exceed the roles: a developer cannot create an admin key', async () => {
    const res = await dev.send('POST', '/api/v1/me/keys', { name: 'escalate', scopes: ['admin'] });
    assert.equal(res.status, 403);
    assert.equal(await errorCode(res), 'FORBIDDEN');
    const tooLong = await dev.send('POST', '/api/v1/me/keys', {
      name: 'forever',
      scopes: ['gateway'],
      expires_in_days: 31,
    });
    assert.equal(tooLong.status, 400);
    assert.equal(await errorCode(tooLong), 'VALIDATION_FAILED');
  });

  test("an admin's gateway key cannot administer; an admin key can, without CSRF token", async () => {
    const gateway = await createKey(admin, { name: 'gw', scopes: ['gateway'] });
    assert.equal((await withKey(gateway.secret, '/api/v1/admin/users')).status, 403);
    const adminKey = await createKey(admin, { name: 'automation', scopes: ['admin'] });
    assert.equal((await withKey(adminKey.secret, '/api/v1/admin/users')).status, 200);
    const created = await withKey(adminKey.secret, '/api/v1/admin/teams', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ slug: 'automation-made', name: 'Automation made' }),
    });
    assert.equal(created.status, 201);
    const event = await sso.app
      .db('audit_events')
      .where({ action: 'team.created' })
      .orderBy('seq', 'desc')
      .first();
    assert.equal(event.event.details.api_key_id, adminKey.key.id);
  });

  test('revoked, expired, unknown and non-aila keys: 401 INVALID_API_KEY (OpenAI shape on /v1)', async () => {
    const revoked = await createKey(dev, { name: 'old', scopes: ['gateway'] });
    const res = await dev.send('DELETE', `/api/v1/me/keys/${revoked.key.id}`);
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as { key: KeyView }).key.status, 'revoked');
    assert.equal(
      (await sso.app.db('audit_events').where({ action: 'api_key.revoked', target_id: revoked.key.id }))
        .length,
      1,
    );
    assert.equal((await dev.send('DELETE', `/api/v1/me/keys/${revoked.key.id}`)).status, 404, 'only once');

    const expired = await createKey(dev, { name: 'short', scopes: ['gateway'] });
    await sso.app
      .db('api_keys')
      .where({ id: expired.key.id })
      .update({ expires_at: new Date(Date.now() - 1000) });

    for (const secret of [revoked.secret, expired.secret, 'aila_unknownunknownunknownunknownunknownunkno']) {
      const r = await withKey(secret, '/api/v1/me');
      assert.equal(r.status, 401);
      assert.equal(await errorCode(r), 'INVALID_API_KEY');
    }
    const foreign = await withKey('sk-not-ours', '/api/v1/me');
    assert.equal(foreign.status, 401);
    const openai = await withKey(revoked.secret, '/v1/models');
    assert.equal(openai.status, 401);
    const body = (await openai.json()) as { error: { code: string; type: string } };
    assert.deepEqual([body.error.code, body.error.type], ['invalid_api_key', 'authentication_error']);
  });

  test("another user's key cannot be revoked through /api/v1/me; an admin can revoke any key", async () => {
    const { key, secret } = await createKey(dev, { name: 'shared', scopes: ['gateway'] });
    assert.equal((await admin.send('DELETE', `/api/v1/me/keys/${key.id}`)).status, 404);
    const list = await admin.json<{ keys: KeyView[] }>(
      `/api/v1/admin/keys?user_id=${(await dev.json<Me>('/api/v1/me')).user.id}`,
    );
    assert.ok(list.keys.some((k) => k.id === key.id));
    assert.equal((await admin.send('DELETE', `/api/v1/admin/keys/${key.id}`)).status, 200);
    assert.equal((await withKey(secret, '/api/v1/me')).status, 401);
  });

  test("a disabled user's keys stop working at once", async () => {
    const auditor = await signIn(sso.app, 'auditor@ai-la.dev');
    const { secret } = await createKey(auditor, { name: 'export-bot', scopes: ['compliance:export'] });
    const auditorId = (await auditor.json<Me>('/api/v1/me')).user.id;
    assert.equal((await withKey(secret, '/api/v1/me')).status, 200);

    // Status alone stops the key, even before anything is revoked. A change made outside the
    // appliance reaches its key cache through PostgreSQL's NOTIFY, a moment after the commit.
    const settles = async (status: number) => {
      for (let i = 0; i < 100 && (await withKey(secret, '/api/v1/me')).status !== status; i++)
        await new Promise((r) => setTimeout(r, 20));
      assert.equal((await withKey(secret, '/api/v1/me')).status, status);
    };
    await sso.app.db('users').where({ id: auditorId }).update({ status: 'disabled' });
    await settles(401);
    assert.equal((await auditor.fetch('/api/v1/me')).status, 401);
    await sso.app.db('users').where({ id: auditorId }).update({ status: 'active' });
    await settles(200);

    // Disabling through the API revokes the keys for good.
    const disabled = await admin.send('POST', `/api/v1/admin/users/${auditorId}/disable`);
    assert.equal(disabled.status, 200);
    assert.equal((await withKey(secret, '/api/v1/me')).status, 401);
    await admin.send('POST', `/api/v1/admin/users/${auditorId}/enable`);
    assert.equal((await withKey(secret, '/api/v1/me')).status, 401, 'enabling does not revive revoked keys');
    const keys = await sso.app.db('api_keys').where({ user_id: auditorId });
    assert.ok(keys.every((k) => k.revoked_at !== null));
  });
});
