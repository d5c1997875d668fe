import assert from 'node:assert/strict';
import { type AddressInfo, createServer } from 'node:net';
import { after, before, describe, test } from 'node:test';
import {
  Browser,
  errorCode,
  OUTSIDER,
  type SsoFixture,
  signIn,
  startLogin,
  startSsoFixture,
} from './support.js';

interface Me {
  user: { id: string };
}

describe('OIDC sign-in refusals: clear 4xx codes, each audited', () => {
  let sso: SsoFixture;
  before(async () => {
    // `down` points at a port nothing listens on: the IdP is unreachable.
    const closedPort = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as AddressInfo;
        server.close(() => resolve(port));
      });
    });
    sso = await startSsoFixture({}, [
      {
        name: 'down',
        issuer: `http://127.0.0.1:${closedPort}`,
        clientId: 'ai-la',
        clientSecret: 'unused-secret',
        allowInsecureHttp: true,
        domains: ['down.example'],
      },
    ]);
  });
  after(() => sso.stop());

  const auditRows = (action: string) =>
    sso.app.db('audit_events').where({ action }).orderBy('seq') as Promise<
      Array<{ outcome: string; actor_id: string; event: { details: Record<string, unknown> } }>
    >;

  test('an unreachable IdP: 502 SSO_PROVIDER_UNAVAILABLE, not 500', async () => {
    const res = await fetch(`${sso.app.url}/auth/login?email=someone%40down.example`, { redirect: 'manual' });
    assert.equal(res.status, 502);
    assert.equal(await errorCode(res), 'SSO_PROVIDER_UNAVAILABLE');
    const unknown = await fetch(`${sso.app.url}/auth/login?email=someone%40nowhere.example`, {
      redirect: 'manual',
    });
    assert.equal(unknown.status, 404);
  });

  test('an error from the IdP (access_denied) is refused with SSO_FAILED and audited', async () => {
    const browser = new Browser(sso.app.url);
    const start = await browser.fetch('/auth/login?connection=dev');
    const state = new URL(start.headers.get('location') ?? '').searchParams.get('state') ?? '';
    const query = new URLSearchParams({ error: 'access_denied', state, iss: sso.idp.issuer });
    const res = await browser.fetch(`/auth/oidc/dev/callback?${query}`);
    assert.equal(res.status, 400);
    const body = (await res.json()) as {
      error: { code: string; message: string; details: { reason: string } };
    };
    assert.equal(body.error.code, 'SSO_FAILED');
    assert.equal(body.error.details.reason, 'idp_error');
    assert.match(body.error.message, /access_denied/);
    const failure = (await auditRows('auth.login')).at(-1);
    assert.equal(failure?.event.details.reason, 'idp_error');
  });

  test('unknown connection: 404 SSO_UNKNOWN_CONNECTION at login and at callback', async () => {
    const login = await fetch(`${sso.app.url}/auth/login?connection=nope`, { redirect: 'manual' });
    assert.equal(login.status, 404);
    assert.equal(await errorCode(login), 'SSO_UNKNOWN_CONNECTION');
    const callback = await fetch(`${sso.app.url}/auth/oidc/nope/callback?code=x&state=y`, {
      redirect: 'manual',
    });
    assert.equal(callback.status, 404);
    assert.equal(await errorCode(callback), 'SSO_UNKNOWN_CONNECTION');
  });

  test('missing or wrong state: 400 SSO_STATE_MISMATCH, audited as a failed login', async () => {
    const browser = new Browser(sso.app.url);
    const callback = new URL(await startLogin(browser, 'dev@ai-la.dev'));
    const withoutState = new URL(callback);
    withoutState.searchParams.delete('state');
    const missing = await browser.fetch(withoutState.href);
    assert.equal(missing.status, 400);
    assert.equal(await errorCode(missing), 'SSO_STATE_MISMATCH');
    const wrong = new URL(callback);
    wrong.searchParams.set('state', 'forged-state-value');
    const forged = await browser.fetch(wrong.href);
    assert.equal(forged.status, 400);
    assert.equal(await errorCode(forged), 'SSO_STATE_MISMATCH');
    const reasons = (await auditRows('auth.login'))
      .filter((r) => r.outcome === 'failure')
      .map((r) => r.event.details.reason);
    assert.ok(reasons.includes('state_missing'));
    assert.ok(reasons.includes('state_unknown'));
  });

  test('a callback from another browser is refused and does not use up the real sign-in', async () => {
    const owner = new Browser(sso.app.url);
    const callback = await startLogin(owner, 'dev@ai-la.dev');
    const elsewhere = await new Browser(sso.app.url).fetch(callback);
    assert.equal(elsewhere.status, 400);
    const body = (await elsewhere.json()) as { error: { code: string; details: { reason: string } } };
    assert.equal(body.error.code, 'SSO_STATE_MISMATCH');
    assert.equal(body.error.details.reason, 'browser_mismatch');
    assert.equal((await owner.fetch(callback)).status, 302);
  });

  test('a replayed callback fails: the state is single-use, and the IdP refuses a reused code', async () => {
    const browser = new Browser(sso.app.url);
    const callback = new URL(await startLogin(browser, 'dev@ai-la.dev'));
    assert.equal((await browser.fetch(callback.href)).status, 302);
    const replay = await browser.fetch(callback.href);
    assert.equal(replay.status, 400);
    assert.equal(await errorCode(replay), 'SSO_STATE_MISMATCH');

    // The same code under a fresh, valid state: the IdP answers invalid_grant.
    const fresh = new URL(await startLogin(browser, 'dev@ai-la.dev'));
    fresh.searchParams.set('code', callback.searchParams.get('code') ?? '');
    const reused = await browser.fetch(fresh.href);
    assert.equal(reused.status, 400);
    const body = (await reused.json()) as { error: { code: string; details: { reason: string } } };
    assert.equal(body.error.code, 'SSO_FAILED');
    assert.equal(body.error.details.reason, 'token_rejected');
  });

  test('an ID token whose nonce differs from the sign-in is refused', async () => {
    const browser = new Browser(sso.app.url);
    const callback = await startLogin(browser, 'dev@ai-la.dev');
    // The server-side sign-in record expects another nonce than the one the IdP put in the token.
    await sso.app.db('login_states').update({ nonce: 'a-different-nonce-value' });
    const res = await browser.fetch(callback);
    assert.equal(res.status, 400);
    const body = (await res.json()) as { error: { code: string; details: { reason: string } } };
    assert.equal(body.error.code, 'SSO_FAILED');
    assert.equal(body.error.details.reason, 'nonce_mismatch');
  });

  test('an expired sign-in is refused with SSO_LOGIN_EXPIRED', async () => {
    const browser = new Browser(sso.app.url);
    const callback = await startLogin(browser, 'dev@ai-la.dev');
    await sso.app.db('login_states').update({ expires_at: new Date(Date.now() - 1000) });
    const res = await browser.fetch(callback);
    assert.equal(res.status, 400);
    assert.equal(await errorCode(res), 'SSO_LOGIN_EXPIRED');
  });

  test('a user whose groups grant no role is provisioned but not signed in', async () => {
    const browser = new Browser(sso.app.url);
    const res = await browser.fetch(await startLogin(browser, OUTSIDER.email));
    assert.equal(res.status, 403);
    assert.equal(await errorCode(res), 'SSO_NOT_ENTITLED');
    assert.equal(browser.cookies.has('__Host-aila_session'), false);
    const user = await sso.app.db('users').where({ email: OUTSIDER.email }).first();
    assert.ok(user);
  });

  test('a disabled user cannot sign in; the refusal is audited with the user', async () => {
    const admin = await signIn(sso.app, 'admin@ai-la.dev');
    const victim = await signIn(sso.app, 'dev@ai-la.dev');
    const devId = (await victim.json<Me>('/api/v1/me')).user.id;
    assert.equal((await admin.send('POST', `/api/v1/admin/users/${devId}/disable`)).status, 200);

    const browser = new Browser(sso.app.url);
    const res = await browser.fetch(await startLogin(browser, 'dev@ai-la.dev'));
    assert.equal(res.status, 403);
    assert.equal(await errorCode(res), 'SSO_USER_DISABLED');
    const failure = (await auditRows('auth.login')).at(-1);
    assert.equal(failure?.outcome, 'failure');
    assert.equal(failure?.actor_id, devId);
    assert.equal(failure?.event.details.reason, 'user_disabled');

    assert.equal((await admin.send('POST', `/api/v1/admin/users/${devId}/enable`)).status, 200);
    assert.ok(await signIn(sso.app, 'dev@ai-la.dev'));
  });
});
