import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  Browser,
  errorCode,
  PUBLIC_URL,
  type SsoFixture,
  signIn,
  startLogin,
  startSsoFixture,
} from './support.js';

interface Me {
  user: { id: string; email: string; name: string; status: string };
  roles: Array<{ role: string; team_slug: string | null; source: string }>;
  teams: Array<{ slug: string; role: string }>;
  permissions: Record<string, string>;
  auth: { method: string; session_id: string; connection: string };
  csrf_token: string;
}

describe('OIDC sign-in against the development IdP', () => {
  let sso: SsoFixture;
  before(async () => {
    sso = await startSsoFixture();
  });
  after(() => sso.stop());

  const auditRows = (action: string) =>
    sso.app.db('audit_events').where({ action }).orderBy('seq') as Promise<
      Array<{ outcome: string; actor_id: string; event: { details: Record<string, unknown> } }>
    >;

  test('GET /auth/connections lists the connections for the sign-in page', async () => {
    const res = await fetch(`${sso.app.url}/auth/connections`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), {
      connections: [
        { name: 'dev', display_name: 'Development IdP', login_url: '/auth/login?connection=dev' },
      ],
    });
  });

  test('the authorization request uses the code flow with PKCE S256, state and nonce', async () => {
    const browser = new Browser(sso.app.url);
    const res = await browser.fetch('/auth/login?connection=dev&return_to=/workspace');
    assert.equal(res.status, 302);
    const url = new URL(res.headers.get('location') ?? '');
    assert.equal(url.origin, sso.idp.issuer);
    assert.equal(url.searchParams.get('response_type'), 'code');
    assert.equal(url.searchParams.get('redirect_uri'), `${PUBLIC_URL}/auth/oidc/dev/callback`);
    assert.equal(url.searchParams.get('code_challenge_method'), 'S256');
    assert.match(url.searchParams.get('code_challenge') ?? '', /^[A-Za-z0-9_-]{43}$/);
    assert.ok(url.searchParams.get('state'));
    assert.ok(url.searchParams.get('nonce'));
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('__Host-aila_login='));
    assert.ok(cookie);
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /Secure/);
    assert.match(cookie, /SameSite=Lax/);
    assert.match(cookie, /Path=\//);
  });

  test('a developer lands on return_to with a session; /api/v1/me shows roles from groups', async () => {
    const browser = new Browser(sso.app.url);
    const callback = await startLogin(browser, 'dev@ai-la.dev', { returnTo: '/workspace?tab=chat' });
    const landed = await browser.fetch(callback);
    assert.equal(landed.status, 302);
    assert.equal(landed.headers.get('location'), '/workspace?tab=chat');
    const cookie = landed.headers.getSetCookie().find((c) => c.startsWith('__Host-aila_session='));
    assert.ok(cookie);
    for (const attribute of ['HttpOnly', 'Secure', 'SameSite=Lax', 'Path=/'])
      assert.ok(cookie.includes(attribute));
    assert.ok(!/Domain=/i.test(cookie));

    const me = await browser.json<Me>('/api/v1/me');
    assert.equal(me.user.email, 'dev@ai-la.dev');
    assert.equal(me.user.name, 'Dana Developer');
    assert.deepEqual(
      me.roles.map((r) => [r.role, r.source]),
      [['developer', 'idp']],
    );
    assert.equal(me.permissions['gateway:use'], 'all');
    assert.equal(me.permissions['users:manage'], undefined);
    assert.equal(me.auth.method, 'session');
    assert.equal(me.auth.connection, 'dev');
    assert.match(me.csrf_token, /^[A-Za-z0-9_-]{43}$/);

    // Only the hash of the cookie token is stored.
    const token = browser.cookies.get('__Host-aila_session') ?? '';
    const rows = await sso.app.db('sessions').where({ user_id: me.user.id });
    assert.equal(rows.length, 1);
    assert.notEqual(rows[0].token_hash, token);
    assert.ok(!JSON.stringify(rows).includes(token));

    const login = (await auditRows('auth.login')).filter((r) => r.outcome === 'success').at(-1);
    assert.equal(login?.actor_id, me.user.id);
    assert.equal(login?.event.details.connection, 'dev');
  });

  test('an admin gets the admin role; a team lead gets team_admin of a team created on first use', async () => {
    const admin = await signIn(sso.app, 'admin@ai-la.dev');
    const adminMe = await admin.json<Me>('/api/v1/me');
    assert.deepEqual(
      adminMe.roles.map((r) => r.role),
      ['admin'],
    );
    assert.equal(adminMe.permissions['users:manage'], 'all');

    const lead = await signIn(sso.app, 'lead@ai-la.dev');
    const leadMe = await lead.json<Me>('/api/v1/me');
    assert.deepEqual(
      leadMe.roles.map((r) => [r.role, r.team_slug]),
      [['team_admin', 'payments']],
    );
    assert.deepEqual(
      leadMe.teams.map((t) => [t.slug, t.role]),
      [['payments', 'team_admin']],
    );
    assert.equal(leadMe.permissions['team:manage'], 'team');
  });

  test('a second sign-in opens a new session and replaces the one the browser held', async () => {
    const browser = await signIn(sso.app, 'auditor@ai-la.dev');
    const first = browser.cookies.get('__Host-aila_session');
    const firstMe = await browser.json<Me>('/api/v1/me');
    const callback = await startLogin(browser, 'auditor@ai-la.dev');
    assert.equal((await browser.fetch(callback)).status, 302);
    const second = browser.cookies.get('__Host-aila_session');
    assert.notEqual(second, first);
    const secondMe = await browser.json<Me>('/api/v1/me');
    assert.notEqual(secondMe.auth.session_id, firstMe.auth.session_id);
    const replaced = await sso.app.db('sessions').where({ id: firstMe.auth.session_id }).first();
    assert.equal(replaced.end_reason, 'logout', 'the replaced session has ended');
  });

  test('return_to must be a same-origin path', async () => {
    for (const bad of ['https://evil.example/', '//evil.example/x', '/\\evil.example', 'relative/path']) {
      const res = await fetch(
        `${sso.app.url}/auth/login?connection=dev&return_to=${encodeURIComponent(bad)}`,
        {
          redirect: 'manual',
        },
      );
      assert.equal(res.status, 400, bad);
      assert.equal(await errorCode(res), 'VALIDATION_FAILED');
    }
  });

  test('sign-in by e-mail picks the connection and passes login_hint', async () => {
    const res = await fetch(`${sso.app.url}/auth/login?email=dev%40ai-la.dev`, { redirect: 'manual' });
    assert.equal(res.status, 302);
    assert.equal(new URL(res.headers.get('location') ?? '').searchParams.get('login_hint'), 'dev@ai-la.dev');
  });

  test('logout ends the session, returns the IdP logout URL and is audited', async () => {
    const browser = await signIn(sso.app, 'auditor@ai-la.dev');
    const me = await browser.json<Me>('/api/v1/me');
    const res = await browser.send('POST', '/auth/logout');
    assert.equal(res.status, 200);
    const { logout_url } = (await res.json()) as { logout_url: string };
    const url = new URL(logout_url);
    assert.equal(url.origin, sso.idp.issuer);
    assert.equal(url.searchParams.get('client_id'), 'ai-la');
    assert.equal(url.searchParams.get('post_logout_redirect_uri'), `${PUBLIC_URL}/`);
    assert.equal(browser.cookies.has('__Host-aila_session'), false);
    const ended = await sso.app.db('sessions').where({ id: me.auth.session_id }).first();
    assert.equal(ended.end_reason, 'logout');
    assert.equal((await browser.fetch('/api/v1/me')).status, 401, 'an ended session never authenticates');
    const logout = (await auditRows('auth.logout')).at(-1);
    assert.equal(logout?.actor_id, me.user.id);
  });
});
