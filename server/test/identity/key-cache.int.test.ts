import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestAppliance, type TestAppliance } from '../support/appliance.js';
import { type Browser, PUBLIC_URL, type SsoFixture, signIn, startSsoFixture } from './support.js';

/**
 * API keys are looked up once and then reused for `auth.apiKeys.cacheTtlMs`. Here the reuse lasts a
 * minute, so a key that stops working on the other replica within seconds proves the PostgreSQL
 * notification reached it, and one that stops at once on the replica that made the change proves
 * the local invalidation.
 */
describe('API keys cached across two replicas', () => {
  const env = { AILA_AUTH_API_KEYS_CACHE_TTL_MS: '60000' };
  let sso: SsoFixture;
  let other: TestAppliance;
  let dev: Browser;
  let admin: Browser;
  before(async () => {
    sso = await startSsoFixture(env);
    other = await startTestAppliance(
      { ...env, AILA_SERVER_PUBLIC_URL: PUBLIC_URL },
      { database: sso.app.database },
    );
    dev = await signIn(sso.app, 'dev@ai-la.dev');
    admin = await signIn(sso.app, 'admin@ai-la.dev');
  });
  after(async () => {
    await other.stop();
    await sso.stop();
  });

  const models = (replica: TestAppliance, secret: string) =>
    fetch(`${replica.url}/v1/models`, { headers: { authorization: `Bearer ${secret}` } }).then(
      (r) => r.status,
    );

  /** Polls until `replica` refuses the key; the number of tries is bounded, never the time. */
  async function refusedSoon(replica: TestAppliance, secret: string): Promise<number> {
    for (let i = 0; i < 200; i++) {
      const status = await models(replica, secret);
      if (status !== 200) return status;
      await new Promise((r) => setTimeout(r, 25));
    }
    return 200;
  }

  async function createKey(): Promise<{ id: string; secret: string }> {
    const res = await dev.send('POST', '/api/v1/me/keys', { name: 'cached', scopes: ['gateway'] });
    assert.equal(res.status, 201);
    const body = (await res.json()) as { key: { id: string }; secret: string };
    // Both replicas look it up once and keep it.
    for (const replica of [sso.app, other]) {
      assert.equal(await models(replica, body.secret), 200);
      assert.equal(await models(replica, body.secret), 200);
    }
    return { id: body.key.id, secret: body.secret };
  }

  test('a revoked key is refused at once where it was revoked, and soon after on the other replica', async () => {
    const key = await createKey();
    assert.equal((await dev.send('DELETE', `/api/v1/me/keys/${key.id}`)).status, 200);
    assert.equal(await models(sso.app, key.secret), 401);
    assert.equal(await refusedSoon(other, key.secret), 401);
  });

  test('a revocation by the other replica reaches this one too', async () => {
    const key = await createKey();
    const otherAdmin = await signIn(sso.app, 'admin@ai-la.dev');
    // The admin API of the second replica, with the session created through the first.
    const res = await fetch(`${other.url}/api/v1/admin/keys/${key.id}`, {
      method: 'DELETE',
      headers: {
        cookie: [...otherAdmin.cookies].map(([n, v]) => `${n}=${v}`).join('; '),
        'x-csrf-token': await csrf(otherAdmin),
      },
    });
    assert.equal(res.status, 200);
    assert.equal(await models(other, key.secret), 401);
    assert.equal(await refusedSoon(sso.app, key.secret), 401);
  });

  test("disabling the owner stops the owner's keys on both replicas", async () => {
    const key = await createKey();
    const me = (await (await dev.fetch('/api/v1/me')).json()) as { user: { id: string } };
    assert.equal((await admin.send('POST', `/api/v1/admin/users/${me.user.id}/disable`)).status, 200);
    assert.equal(await models(sso.app, key.secret), 401);
    assert.equal(await refusedSoon(other, key.secret), 401);
    assert.equal((await admin.send('POST', `/api/v1/admin/users/${me.user.id}/enable`)).status, 200);
  });
});

async function csrf(browser: Browser): Promise<string> {
  const me = (await (await browser.fetch('/api/v1/me')).json()) as { csrf_token: string };
  return me.csrf_token;
}
