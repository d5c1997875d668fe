import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Browser, errorCode, type SsoFixture, signIn, startLogin, startSsoFixture } from './support.js';

interface Me {
  user: { id: string };
  auth: { session_id: string };
  csrf_token: string;
}
interface SessionView {
  id: string;
  current: boolean;
  connection: string;
  user_agent: string;
  expires_at: string;
  idle_expires_at: string;
}

const IDLE_MS = 30 * 60_000;
const ABSOLUTE_MS = 8 * 60 * 60_000;

describe('sessions', () => {
  let sso: SsoFixture;
  before(async () => {
    sso = await startSsoFixture({
      AILA_AUTH_SESSION_IDLE_TIMEOUT_MS: String(IDLE_MS),
      AILA_AUTH_SESSION_ABSOLUTE_TIMEOUT_MS: String(ABSOLUTE_MS),
    });
  });
  after(() => sso.stop());

  const sessionRow = (id: string) => sso.app.db('sessions').where({ id }).first();

  test('without credentials: 401 UNAUTHENTICATED with a Bearer challenge', async () => {
    const res = await fetch(`${sso.app.url}/api/v1/me`);
    assert.equal(res.status, 401);
    assert.equal(res.headers.get('www-authenticate'), 'Bearer realm="ai-la"');
    assert.equal(await errorCode(res), 'UNAUTHENTICATED');
  });

  test('the cookie lives no longer than the absolute timeout; the user sees their sessions', async () => {
    const laptop = new Browser(sso.app.url);
    const landed = await laptop.fetch(await startLogin(laptop, 'dev@ai-la.dev'), {
      headers: { 'user-agent': 'laptop-browser' },
    });
    assert.match(landed.headers.getSetCookie().join('\n'), new RegExp(`Max-Age=${ABSOLUTE_MS / 1000}`));
    const phone = await signIn(sso.app, 'dev@ai-la.dev');
    const me = await laptop.json<Me>('/api/v1/me');
    const { sessions } = await laptop.json<{ sessions: SessionView[] }>('/api/v1/me/sessions');
    const mine = sessions.find((s) => s.current);
    assert.equal(mine?.id, me.auth.session_id);
    assert.equal(mine?.user_agent, 'laptop-browser');
    assert.equal(mine?.connection, 'dev');
    assert.ok(sessions.length >= 2);
    const row = await sessionRow(me.auth.session_id);
    assert.equal(new Date(mine?.expires_at ?? 0).getTime(), row.created_at.getTime() + ABSOLUTE_MS);
    assert.equal(new Date(mine?.idle_expires_at ?? 0).getTime(), row.last_seen_at.getTime() + IDLE_MS);
    assert.ok(!JSON.stringify(sessions).includes(row.token_hash));

    // Revoking the phone's session from the laptop signs the phone out at once.
    const phoneId = (await phone.json<Me>('/api/v1/me')).auth.session_id;
    assert.equal((await laptop.send('DELETE', `/api/v1/me/sessions/${phoneId}`)).status, 204);
    const after = await phone.fetch('/api/v1/me');
    assert.equal(after.status, 401);
    assert.equal(await errorCode(after), 'SESSION_EXPIRED');
    assert.equal(phone.cookies.has('__Host-aila_session'), false, 'the stale cookie is cleared');
    const audit = await sso.app
      .db('audit_events')
      .where({ action: 'auth.session_revoked', target_id: phoneId });
    assert.equal(audit.length, 1);
  });

  test("another user's session cannot be revoked through /api/v1/me", async () => {
    const dev = await signIn(sso.app, 'dev@ai-la.dev');
    const auditor = await signIn(sso.app, 'auditor@ai-la.dev');
    const auditorSession = (await auditor.json<Me>('/api/v1/me')).auth.session_id;
    const res = await dev.send('DELETE', `/api/v1/me/sessions/${auditorSession}`);
    assert.equal(res.status, 404);
    assert.equal((await auditor.fetch('/api/v1/me')).status, 200);
  });

  test('idle timeout: a session unused for longer than idleTimeoutMs ends', async () => {
    const browser = await signIn(sso.app, 'dev@ai-la.dev');
    const { auth } = await browser.json<Me>('/api/v1/me');
    await sso.app
      .db('sessions')
      .where({ id: auth.session_id })
      .update({ last_seen_at: new Date(Date.now() - IDLE_MS - 1000) });
    // The web UI's files and navigations leave the cookie alone, so the UI's next API call can
    // still tell the user that the session expired.
    for (const path of ['/assets/index.js', '/workspace/chat']) {
      const page = await browser.fetch(path, { headers: { accept: 'text/html' } });
      await page.arrayBuffer();
      assert.equal(page.headers.getSetCookie().length, 0, `${path} sets no cookie`);
    }
    assert.equal(browser.cookies.has('__Host-aila_session'), true);
    const res = await browser.fetch('/api/v1/me');
    assert.equal(res.status, 401);
    assert.equal(await errorCode(res), 'SESSION_EXPIRED');
    assert.equal(browser.cookies.has('__Host-aila_session'), false, 'the API clears the stale cookie');
    const ended = await sessionRow(auth.session_id);
    assert.equal(ended.end_reason, 'expired', 'kept as sign-in history, marked ended');
    assert.ok(ended.ended_at instanceof Date);
  });

  test('activity keeps a session alive, with at most one write per minute', async () => {
    const browser = await signIn(sso.app, 'dev@ai-la.dev');
    const { auth } = await browser.json<Me>('/api/v1/me');
    const recent = new Date(Date.now() - 10_000);
    await sso.app.db('sessions').where({ id: auth.session_id }).update({ last_seen_at: recent });
    assert.equal((await browser.fetch('/api/v1/me')).status, 200);
    assert.equal(
      (await sessionRow(auth.session_id)).last_seen_at.getTime(),
      recent.getTime(),
      'no write within a minute',
    );
    const nearlyIdle = new Date(Date.now() - IDLE_MS + 60_000);
    await sso.app.db('sessions').where({ id: auth.session_id }).update({ last_seen_at: nearlyIdle });
    assert.equal((await browser.fetch('/api/v1/me')).status, 200);
    assert.ok(
      (await sessionRow(auth.session_id)).last_seen_at.getTime() > Date.now() - 60_000,
      'activity recorded',
    );
  });

  test('absolute timeout: a session ends at expires_at however active it is', async () => {
    const browser = await signIn(sso.app, 'dev@ai-la.dev');
    const { auth } = await browser.json<Me>('/api/v1/me');
    await sso.app
      .db('sessions')
      .where({ id: auth.session_id })
      .update({ expires_at: new Date(Date.now() - 1000) });
    const res = await browser.fetch('/api/v1/me');
    assert.equal(res.status, 401);
    assert.equal(await errorCode(res), 'SESSION_EXPIRED');
  });

  test('CSRF: cookie-authenticated state changes need the x-csrf-token of the session', async () => {
    const browser = await signIn(sso.app, 'dev@ai-la.dev');
    const me = await browser.json<Me>('/api/v1/me');
    const body = { name: 'csrf', scopes: ['gateway'] };
    const missing = await browser.fetch('/api/v1/me/keys', { method: 'POST', json: body });
    assert.equal(missing.status, 403);
    assert.equal(await errorCode(missing), 'CSRF_FAILED');
    const other = await signIn(sso.app, 'dev@ai-la.dev');
    const foreignToken = (await other.json<Me>('/api/v1/me')).csrf_token;
    const wrong = await browser.fetch('/api/v1/me/keys', {
      method: 'POST',
      json: body,
      headers: { 'x-csrf-token': foreignToken },
    });
    assert.equal(wrong.status, 403);
    assert.equal(await errorCode(wrong), 'CSRF_FAILED');
    const logout = await browser.fetch('/auth/logout', { method: 'POST' });
    assert.equal(logout.status, 403, 'logout is a state change too');
    assert.equal((await browser.fetch('/api/v1/me')).status, 200, 'the refused requests changed nothing');
    const ok = await browser.fetch('/api/v1/me/keys', {
      method: 'POST',
      json: body,
      headers: { 'x-csrf-token': me.csrf_token },
    });
    assert.equal(ok.status, 201);
  });

  test('an admin revokes every session of a user', async () => {
    const admin = await signIn(sso.app, 'admin@ai-la.dev');
    const first = await signIn(sso.app, 'auditor@ai-la.dev');
    const second = await signIn(sso.app, 'auditor@ai-la.dev');
    const auditorId = (await first.json<Me>('/api/v1/me')).user.id;
    const res = await admin.send('DELETE', `/api/v1/admin/users/${auditorId}/sessions`);
    assert.equal(res.status, 200);
    const { revoked } = (await res.json()) as { revoked: number };
    assert.ok(revoked >= 2);
    assert.equal((await first.fetch('/api/v1/me')).status, 401);
    assert.equal((await second.fetch('/api/v1/me')).status, 401);
  });
});

describe('sessions with insecureCookies (aila dev on http://localhost)', () => {
  let sso: SsoFixture;
  before(async () => {
    sso = await startSsoFixture({ AILA_AUTH_SESSION_INSECURE_COOKIES: 'true' });
  });
  after(() => sso.stop());

  test('the cookie is aila_session without Secure (a __Host- cookie requires Secure)', async () => {
    const browser = new Browser(sso.app.url);
    const callback = await startLogin(browser, 'dev@ai-la.dev');
    assert.ok(browser.cookies.has('aila_login'));
    const landed = await browser.fetch(callback);
    assert.equal(landed.status, 302);
    const cookie = landed.headers.getSetCookie().find((c) => c.startsWith('aila_session='));
    assert.ok(cookie);
    assert.ok(!cookie.includes('Secure'));
    assert.match(cookie, /HttpOnly; SameSite=Lax/);
    assert.equal((await browser.fetch('/api/v1/me')).status, 200);
  });
});
