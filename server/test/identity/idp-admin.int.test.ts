/**
 * The SSO connections admin API with the real development OIDC provider: connections with their
 * sign-in activity and live status, and test sign-ins that run the real flow without a session.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { loginWithDevIdp } from '../../src/dev/idp/test-login.js';
import {
  Browser,
  errorCode,
  OUTSIDER,
  type SsoFixture,
  signIn,
  startLogin,
  startSsoFixture,
} from './support.js';

interface TestLogin {
  id: string;
  status: string;
  result: {
    subject?: string;
    claims?: Record<string, unknown>;
    oidc?: { id_token: Record<string, unknown>; userinfo: Record<string, unknown> | null };
    mapping?: {
      roles: Array<{ role: string; team: string | null; source: string }>;
      teams: Array<{ slug: string; role: string; exists: boolean }>;
      user: { match: string };
      verdict: { outcome: string; reason?: string; created?: boolean };
    };
    error?: { code: string; reason: string };
  };
}

describe('SSO connections admin API (OIDC)', () => {
  let sso: SsoFixture;
  let admin: Browser;
  let developer: Browser;

  before(async () => {
    sso = await startSsoFixture();
    admin = await signIn(sso.app, 'admin@ai-la.dev');
    developer = await signIn(sso.app, 'dev@ai-la.dev');
    // A refused sign-in: the outsider's groups map to no role.
    const outsider = new Browser(sso.app.url);
    await outsider.fetch(await startLogin(outsider, OUTSIDER.email));
  });
  after(() => sso.stop());

  /** Runs a test sign-in as `email` at the IdP; returns the callback URL and the test's id. */
  async function testLoginAt(browser: Browser, email: string) {
    const started = await browser.send('POST', '/api/v1/admin/idp/connections/dev/test-login');
    assert.equal(started.status, 201, await started.clone().text());
    const body = (await started.json()) as { test_login: { id: string }; redirect_url: string };
    const authorize = new URL(body.redirect_url);
    // OIDC Core 1.0 §3.1.2.1: the IdP must ask who signs in, not reuse its session.
    assert.equal(authorize.searchParams.get('prompt'), 'login');
    assert.equal(authorize.searchParams.get('code_challenge_method'), 'S256');
    return { id: body.test_login.id, callback: await loginWithDevIdp(body.redirect_url, email) };
  }

  const result = async (browser: Browser, id: string) =>
    (await browser.json<{ test_login: TestLogin }>(`/api/v1/admin/idp/test-logins/${id}`)).test_login;

  const countRows = async (table: string) =>
    Number(((await sso.app.db(table).count({ n: '*' })) as Array<{ n: string }>)[0]?.n);

  test('lists the connections with their sign-ins of the last 24 hours', async () => {
    const { connections } = await admin.json<{
      connections: Array<{
        name: string;
        protocol: string;
        sign_ins: {
          last_24h: { succeeded: number; failed: number };
          last_success_at: string | null;
          last_failure: { reason: string } | null;
        };
      }>;
    }>('/api/v1/admin/idp/connections');
    assert.equal(connections.length, 1);
    const [dev] = connections;
    assert.equal(dev?.name, 'dev');
    assert.equal(dev?.protocol, 'oidc');
    assert.equal(dev?.sign_ins.last_24h.succeeded, 2);
    assert.equal(dev?.sign_ins.last_24h.failed, 1);
    assert.ok(dev?.sign_ins.last_success_at);
    assert.equal(dev?.sign_ins.last_failure?.reason, 'not_entitled');
  });

  test('one connection: settings without secrets, live discovery status, mappings', async () => {
    const response = await admin.fetch('/api/v1/admin/idp/connections/dev');
    assert.equal(response.status, 200);
    const text = await response.text();
    const { connection } = JSON.parse(text) as {
      connection: {
        oidc: { issuer: string; redirect_uri: string; scopes: string[] };
        mapping: {
          group_roles: Array<{ group: string; role: string }>;
          group_teams: Array<{ group: string; team: string; role: string }>;
        };
        status: { reachable: boolean; issuer: string; signing_keys: number; problems: string[] };
        scim: { users: number; groups: number };
      };
    };
    assert.equal(connection.oidc.issuer, sso.idp.issuer);
    assert.equal(connection.oidc.redirect_uri, 'https://ai-la.test/auth/oidc/dev/callback');
    assert.equal(connection.status.reachable, true);
    assert.equal(connection.status.issuer, sso.idp.issuer);
    assert.ok(connection.status.signing_keys >= 1);
    assert.deepEqual(connection.status.problems, []);
    assert.ok(connection.mapping.group_roles.some((m) => m.group === 'ai-la-admins' && m.role === 'admin'));
    assert.deepEqual(connection.mapping.group_teams, [
      { group: 'ai-la-payments-leads', team: 'payments', role: 'team_admin' },
    ]);
    assert.deepEqual(connection.scim, { users: 0, groups: 0 });
    assert.ok(!/clientSecret|client_secret"/.test(text), 'no client secret in the answer');
  });

  test('unknown connections, ids and the wrong role are refused with stable codes', async () => {
    const unknown = await admin.fetch('/api/v1/admin/idp/connections/nope');
    assert.equal(unknown.status, 404);
    assert.equal(await errorCode(unknown), 'SSO_UNKNOWN_CONNECTION');
    const start = await admin.send('POST', '/api/v1/admin/idp/connections/nope/test-login');
    assert.equal(start.status, 404);
    assert.equal(await errorCode(start), 'SSO_UNKNOWN_CONNECTION');
    const missing = await admin.fetch(`/api/v1/admin/idp/test-logins/${randomUUID()}`);
    assert.equal(missing.status, 404);
    assert.equal(await errorCode(missing), 'NOT_FOUND');
    const malformed = await admin.fetch('/api/v1/admin/idp/test-logins/not-a-uuid');
    assert.equal(malformed.status, 400);
    assert.equal(await errorCode(malformed), 'VALIDATION_FAILED');
    for (const path of ['/api/v1/admin/idp/connections', '/api/v1/admin/idp/connections/dev']) {
      const denied = await developer.fetch(path);
      assert.equal(denied.status, 403);
      assert.equal(await errorCode(denied), 'FORBIDDEN');
    }
    const anonymous = await new Browser(sso.app.url).fetch('/api/v1/admin/idp/connections');
    assert.equal(anonymous.status, 401);
  });

  test('a test sign-in runs the real flow and shows claims and mapping, creating nothing', async () => {
    const users = await countRows('users');
    const sessions = await countRows('sessions');
    const { id, callback } = await testLoginAt(admin, 'lead@ai-la.dev');
    const landed = await admin.fetch(callback);
    assert.equal(landed.status, 302);
    assert.equal(landed.headers.get('location'), `/admin/sso/test-logins/${id}`);
    assert.equal(landed.headers.getSetCookie().length, 0, 'no session cookie');

    const shown = await result(admin, id);
    assert.equal(shown.status, 'succeeded');
    assert.equal(shown.result.claims?.email, 'lead@ai-la.dev');
    assert.deepEqual(shown.result.claims?.groups, ['ai-la-payments-leads']);
    assert.equal(shown.result.oidc?.id_token.sub, shown.result.subject);
    assert.deepEqual(shown.result.mapping?.roles, [
      { role: 'team_admin', team: 'payments', source: 'groups' },
    ]);
    assert.deepEqual(shown.result.mapping?.teams, [{ slug: 'payments', role: 'team_admin', exists: false }]);
    assert.equal(shown.result.mapping?.user.match, 'new');
    assert.deepEqual(shown.result.mapping?.verdict, { outcome: 'sign_in', created: true });

    assert.equal(await countRows('users'), users, 'no user created');
    assert.equal(await countRows('sessions'), sessions, 'no session opened');
    assert.equal(await sso.app.db('teams').where({ slug: 'payments' }).first(), undefined, 'no team created');
    const me = await admin.json<{ user: { email: string } }>('/api/v1/me');
    assert.equal(me.user.email, 'admin@ai-la.dev', 'the admin is still signed in as themself');
  });

  test('the test of an existing user says so; a user without a role would be refused', async () => {
    const existing = await testLoginAt(admin, 'dev@ai-la.dev');
    await admin.fetch(existing.callback);
    const dev = await result(admin, existing.id);
    assert.equal(dev.result.mapping?.user.match, 'identity');
    assert.deepEqual(dev.result.mapping?.verdict, { outcome: 'sign_in', created: false });

    const outsider = await testLoginAt(admin, OUTSIDER.email);
    await admin.fetch(outsider.callback);
    const refused = await result(admin, outsider.id);
    assert.equal(refused.status, 'succeeded', 'the IdP exchange itself worked');
    assert.equal(refused.result.mapping?.verdict.outcome, 'refused');
    assert.equal(refused.result.mapping?.verdict.reason, 'not_entitled');
  });

  test('a replayed test callback is refused and audited, like a replayed sign-in', async () => {
    const { id, callback } = await testLoginAt(admin, 'auditor@ai-la.dev');
    assert.equal((await admin.fetch(callback)).status, 302);
    const replay = await admin.fetch(callback);
    assert.equal(replay.status, 400);
    assert.equal(await errorCode(replay), 'SSO_STATE_MISMATCH');
    assert.equal((await result(admin, id)).status, 'succeeded', 'the stored result stands');
    const events = await sso.app.db('audit_events').where({ action: 'idp.test_login' }).orderBy('seq');
    const last = events.at(-1)?.event as { outcome: string; details: Record<string, unknown> };
    assert.equal(last.outcome, 'failure');
    assert.equal(last.details.reason, 'state_used');
    assert.ok(
      events.some((e) => (e.event as { details: { test_login_id?: string } }).details.test_login_id === id),
    );
  });

  test('a test callback from another browser is refused; the right browser still completes it', async () => {
    const { id, callback } = await testLoginAt(admin, 'auditor@ai-la.dev');
    const stranger = new Browser(sso.app.url);
    const refused = await stranger.fetch(callback);
    assert.equal(refused.status, 400);
    assert.equal(await errorCode(refused), 'SSO_STATE_MISMATCH');
    assert.equal((await admin.fetch(callback)).status, 302);
    assert.equal((await result(admin, id)).status, 'succeeded');
    // Only the admin who started a test sees its result.
    await sso.app.db('users').insert({ id: randomUUID(), email: 'admin2@ai-la.dev', name: 'Second Admin' });
    const other = await signIn(sso.app, 'admin@ai-la.dev');
    await sso.app
      .db('idp_test_logins')
      .where({ id })
      .update({ started_by: (await sso.app.db('users').where({ email: 'admin2@ai-la.dev' }).first()).id });
    assert.equal((await other.fetch(`/api/v1/admin/idp/test-logins/${id}`)).status, 404);
    assert.equal((await developer.fetch(`/api/v1/admin/idp/test-logins/${id}`)).status, 403);
  });

  test('an IdP refusal is stored as the test’s failure with its reason', async () => {
    const started = await admin.send('POST', '/api/v1/admin/idp/connections/dev/test-login');
    const body = (await started.json()) as { test_login: { id: string }; redirect_url: string };
    const state = new URL(body.redirect_url).searchParams.get('state') ?? '';
    const callback = `/auth/oidc/dev/callback?${new URLSearchParams({
      error: 'access_denied',
      state,
      iss: sso.idp.issuer,
    })}`;
    const landed = await admin.fetch(callback);
    assert.equal(landed.status, 302);
    const failed = await result(admin, body.test_login.id);
    assert.equal(failed.status, 'failed');
    assert.deepEqual(
      { code: failed.result.error?.code, reason: failed.result.error?.reason },
      { code: 'SSO_FAILED', reason: 'idp_error' },
    );
  });

  test('a real sign-in still works while test sign-ins exist', async () => {
    const browser = await signIn(sso.app, 'auditor@ai-la.dev');
    const me = await browser.json<{ user: { email: string } }>('/api/v1/me');
    assert.equal(me.user.email, 'auditor@ai-la.dev');
  });
});
