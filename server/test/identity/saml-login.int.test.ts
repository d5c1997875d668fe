import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { inflateRawSync } from 'node:zlib';
import {
  ADMIN,
  beginSamlLogin,
  DEVELOPER,
  postResponse,
  type SamlFixture,
  samlSignIn,
  startSamlFixture,
} from './saml-support.js';
import { Browser, PUBLIC_URL } from './support.js';

interface Me {
  user: { id: string; email: string; name: string };
  roles: Array<{ role: string; team_slug: string | null; source: string }>;
  teams: Array<{ slug: string; role: string }>;
  auth: { method: string; session_id: string; connection: string };
}

describe('SAML 2.0 sign-in against a samlify IdP', () => {
  let fx: SamlFixture;
  before(async () => {
    fx = await startSamlFixture();
  });
  after(() => fx.stop());

  test('SP metadata: entity ID, signed AuthnRequests, signed assertions wanted, ACS and SLO endpoints', async () => {
    const res = await fetch(`${fx.app.url}/auth/saml/corp/metadata`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /application\/samlmetadata\+xml/);
    const xml = await res.text();
    assert.match(xml, new RegExp(`entityID="${PUBLIC_URL}/auth/saml/corp/metadata"`));
    assert.match(xml, /AuthnRequestsSigned="true" WantAssertionsSigned="true"/);
    assert.match(
      xml,
      new RegExp(
        `Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="${PUBLIC_URL}/auth/saml/corp/acs"`,
      ),
    );
    assert.match(xml, /SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"/);
    assert.equal(fx.sp.entityMeta.getEntityID(), `${PUBLIC_URL}/auth/saml/corp/metadata`);
  });

  test('the connections list includes SAML connections', async () => {
    const body = (await (await fetch(`${fx.app.url}/auth/connections`)).json()) as {
      connections: Array<{ name: string; login_url: string }>;
    };
    assert.deepEqual(
      body.connections.map((c) => c.name),
      ['corp', 'byurl', 'rotating'],
    );
  });

  test('login redirects with a signed, deflated AuthnRequest (HTTP-Redirect) and a SameSite=None binding cookie', async () => {
    const browser = new Browser(fx.app.url);
    const res = await browser.fetch('/auth/login?connection=corp&return_to=/workspace');
    assert.equal(res.status, 302);
    const location = new URL(res.headers.get('location') ?? '');
    assert.equal(`${location.origin}${location.pathname}`, fx.idp.ssoUrl);
    assert.equal(location.searchParams.get('SigAlg'), 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256');
    assert.ok(location.searchParams.get('Signature'));
    const xml = inflateRawSync(
      Buffer.from(location.searchParams.get('SAMLRequest') ?? '', 'base64'),
    ).toString();
    assert.match(xml, new RegExp(`AssertionConsumerServiceURL="${PUBLIC_URL}/auth/saml/corp/acs"`));
    assert.match(xml, new RegExp(`Destination="${fx.idp.ssoUrl}"`));
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('__Host-aila_saml='));
    assert.ok(cookie);
    assert.match(cookie, /SameSite=None; Secure/);
    // The IdP verified the signature and the schema of the request.
    const request = await fx.idp.authnRequest(fx.sp, location.href);
    assert.match(String(request.extract.request?.id), /^_[0-9a-f]{40}$/);
  });

  test('a developer lands on return_to with a session; roles and team come from the groups', async () => {
    const browser = new Browser(fx.app.url);
    const request = await beginSamlLogin(fx, browser, 'connection=corp&return_to=/workspace%3Ftab%3Dchat');
    const landed = await postResponse(browser, await fx.idp.response(fx.sp, request, DEVELOPER));
    assert.equal(landed.status, 303);
    assert.equal(landed.headers.get('location'), '/workspace?tab=chat');
    assert.ok(browser.cookies.get('__Host-aila_session'));
    assert.equal(browser.cookies.has('__Host-aila_saml'), false);
    const me = await browser.json<Me>('/api/v1/me');
    assert.equal(me.user.email, 'dev@example.com');
    assert.equal(me.user.name, 'Devi Developer');
    assert.deepEqual(
      me.roles.map((r) => [r.role, r.team_slug, r.source]),
      [
        ['developer', null, 'idp'],
        ['team_admin', 'payments', 'idp'],
      ],
    );
    assert.deepEqual(
      me.teams.map((t) => [t.slug, t.role]),
      [['payments', 'team_admin']],
    );
    assert.equal(me.auth.connection, 'corp');
    const [login] = await fx.app
      .db('audit_events')
      .where({ action: 'auth.login', outcome: 'success', actor_id: me.user.id });
    assert.equal(login.event.details.method, 'saml');
    assert.equal(login.event.details.connection, 'corp');
    const [samlSession] = await fx.app.db('saml_sessions').where({ session_id: me.auth.session_id });
    assert.equal(samlSession.name_id, 'dev@example.com');
    assert.match(samlSession.session_index, /^_session-/);
  });

  test('sign-in by e-mail picks the connection serving its domain', async () => {
    const browser = new Browser(fx.app.url);
    const request = await beginSamlLogin(fx, browser, 'email=ada@example.com');
    const landed = await postResponse(browser, await fx.idp.response(fx.sp, request, ADMIN));
    assert.equal(landed.status, 303);
    const me = await browser.json<Me>('/api/v1/me');
    assert.deepEqual(
      me.roles.map((r) => r.role),
      ['admin'],
    );
  });

  test('a connection configured by metadata URL works the same (defaultRole for users without groups)', async () => {
    const metadata = await (await fetch(`${fx.app.url}/auth/saml/byurl/metadata`)).text();
    const sp = fx.idp.serviceProvider(metadata);
    const browser = new Browser(fx.app.url);
    const start = await browser.fetch('/auth/login?connection=byurl');
    const request = await fx.idp.authnRequest(sp, start.headers.get('location') ?? '');
    const user = { email: 'nogroups@elsewhere.org', name: 'No Groups', groups: [] };
    const landed = await postResponse(browser, await fx.idp.response(sp, request, user), 'byurl');
    assert.equal(landed.status, 303, await landed.text());
    const me = await browser.json<Me>('/api/v1/me');
    assert.deepEqual(
      me.roles.map((r) => r.role),
      ['developer'],
    );
  });

  test('IdP settings without metadata, with two trusted certificates: responses signed by either key pass', async () => {
    const metadata = await (await fetch(`${fx.app.url}/auth/saml/rotating/metadata`)).text();
    const sp = fx.idp.serviceProvider(metadata);
    for (const foreignKey of [false, true]) {
      const browser = new Browser(fx.app.url);
      const start = await browser.fetch('/auth/login?connection=rotating');
      const request = await fx.idp.authnRequest(sp, start.headers.get('location') ?? '');
      const response = await fx.idp.response(
        sp,
        request,
        { email: 'rota@example.org', name: 'Rota', groups: [] },
        { foreignKey },
      );
      const landed = await postResponse(browser, response, 'rotating');
      assert.equal(landed.status, 303, await landed.text());
    }
  });

  test('SP-initiated single logout: the IdP gets a signed LogoutRequest and its LogoutResponse is accepted', async () => {
    const browser = await samlSignIn(fx, ADMIN);
    const out = await browser.send('POST', '/auth/logout');
    assert.equal(out.status, 200);
    const { logout_url } = (await out.json()) as { logout_url: string };
    assert.ok(logout_url.startsWith(`${fx.idp.sloUrl}?SAMLRequest=`));
    assert.equal((await browser.fetch('/api/v1/me')).status, 401);
    const back = await fx.idp.answerLogout(fx.sp, logout_url);
    assert.ok(back.startsWith(`${PUBLIC_URL}/auth/saml/corp/slo?SAMLResponse=`));
    const done = await browser.fetch(back);
    assert.equal(done.status, 302, await done.text());
    assert.equal(done.headers.get('location'), '/');
    // The LogoutResponse answered our request once; a second delivery is refused.
    const again = await browser.fetch(back);
    assert.equal(again.status, 400);
  });

  test('IdP-initiated single logout ends the session and answers with a signed LogoutResponse', async () => {
    const browser = await samlSignIn(fx, DEVELOPER);
    const me = await browser.json<Me>('/api/v1/me');
    const location = fx.idp.logoutRequest(fx.sp, 'dev@example.com');
    const res = await browser.fetch(location);
    assert.equal(res.status, 302, await res.text());
    const answer = res.headers.get('location') ?? '';
    assert.ok(answer.startsWith(`${fx.idp.sloUrl}?SAMLResponse=`));
    const verified = await fx.idp.verifyLogoutResponse(fx.sp, answer);
    assert.equal(verified.extract.response?.inResponseTo !== undefined, true);
    assert.equal(browser.cookies.has('__Host-aila_session'), false);
    const ended = await fx.app.db('sessions').where({ id: me.auth.session_id }).first();
    assert.equal(ended.end_reason, 'idp_logout');
    const logout = await fx.app
      .db('audit_events')
      .where({ action: 'auth.logout', actor_id: me.user.id })
      .orderBy('seq', 'desc')
      .first();
    assert.equal(logout.event.details.initiated_by, 'idp');
  });

  test('single logout over the HTTP-POST binding, both directions', async () => {
    const post = (browser: Browser, field: 'SAMLRequest' | 'SAMLResponse', value: string) =>
      browser.fetch('/auth/saml/corp/slo', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ [field]: value }).toString(),
      });
    // IdP-initiated LogoutRequest, posted.
    const first = await samlSignIn(fx, ADMIN);
    const ended = await post(first, 'SAMLRequest', fx.idp.logoutRequestPost(fx.sp, 'ada@example.com'));
    assert.equal(ended.status, 303, await ended.text());
    assert.ok((ended.headers.get('location') ?? '').startsWith(`${fx.idp.sloUrl}?SAMLResponse=`));
    assert.equal((await first.fetch('/api/v1/me')).status, 401);
    // SP-initiated, the IdP's LogoutResponse posted back.
    const second = await samlSignIn(fx, ADMIN);
    const { logout_url } = (await (await second.send('POST', '/auth/logout')).json()) as {
      logout_url: string;
    };
    const answered = await post(second, 'SAMLResponse', await fx.idp.answerLogoutPost(fx.sp, logout_url));
    assert.equal(answered.status, 303, await answered.text());
    assert.equal(answered.headers.get('location'), '/');
  });

  test('an unsigned IdP LogoutRequest is refused and ends nothing', async () => {
    const browser = await samlSignIn(fx, DEVELOPER);
    const signed = new URL(fx.idp.logoutRequest(fx.sp, 'dev@example.com'));
    signed.searchParams.delete('Signature');
    const res = await browser.fetch(signed.href);
    assert.equal(res.status, 400);
    assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'SAML_SIGNATURE_INVALID');
    assert.equal((await browser.fetch('/api/v1/me')).status, 200);
  });
});
