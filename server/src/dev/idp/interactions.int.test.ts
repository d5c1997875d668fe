import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import * as oidc from 'openid-client';
import { pino } from 'pino';
import { type DevIdp, startDevIdp } from './dev-idp.js';
import { CookieJar, loginWithDevIdp, logoutWithDevIdp } from './test-login.js';

const PUBLIC_CLIENT = 'ai-la-cli';
const REDIRECT_URI = 'http://127.0.0.1:9/callback';

/**
 * Follows redirects like a browser (cookies kept) until a page is returned or a redirect leaves the
 * IdP's origin (`leftTo`: the relying party is not listening).
 */
async function open(url: string, jar: CookieJar, init: RequestInit = {}) {
  let target = new URL(url);
  let request: RequestInit = init;
  for (let step = 0; step < 10; step++) {
    const headers = new Headers(request.headers);
    const cookie = jar.header(target);
    if (cookie) headers.set('cookie', cookie);
    const response = await fetch(target, { ...request, headers, redirect: 'manual' });
    jar.store(target, response);
    const location = response.headers.get('location');
    if (!location || response.status < 300 || response.status >= 400) {
      return { url: target, response, body: await response.text(), leftTo: undefined };
    }
    await response.body?.cancel();
    const next = new URL(location, target);
    if (next.origin !== target.origin) return { url: target, response, body: '', leftTo: next };
    target = next;
    request = {};
  }
  throw new Error('too many redirects');
}

function formPost(origin: string, fields: Record<string, string>): RequestInit {
  return {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin },
    body: new URLSearchParams(fields).toString(),
  };
}

describe('development IdP interaction pages', () => {
  let idp: DevIdp;
  let config: oidc.Configuration;
  const logLines: Array<Record<string, unknown>> = [];
  const logStream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logLines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });

  before(async () => {
    idp = await startDevIdp({
      clients: [{ clientId: PUBLIC_CLIENT, redirectUris: [REDIRECT_URI] }],
      log: pino({ level: 'info' }, logStream),
    });
    config = await oidc.discovery(new URL(idp.issuer), PUBLIC_CLIENT, undefined, oidc.None(), {
      execute: [oidc.allowInsecureRequests],
    });
  });

  after(() => idp.close());

  async function authorizationUrl(extra: Record<string, string> = {}) {
    const verifier = oidc.randomPKCECodeVerifier();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT_URI,
      scope: 'openid email profile groups',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state: oidc.randomState(),
      ...extra,
    });
    return { url: url.href, verifier };
  }

  test('the sign-in page lists the seeded users, says no password is needed, and runs under a CSP', async () => {
    const { url } = await authorizationUrl({ login_hint: '"><b>hint</b>' });
    const page = await open(url, new CookieJar());
    assert.equal(page.response.status, 200);
    assert.match(page.url.pathname, /^\/interaction\/[\w-]+$/);
    assert.match(page.body, /<title>AI-LA development sign-in<\/title>/);
    for (const label of ['Alice Admin (admin)', 'Arthur Auditor (auditor)', 'Dana Developer (dev)']) {
      assert.ok(page.body.includes(`Sign in as ${label}</button>`), label);
    }
    assert.match(page.body, /no password is asked/);
    assert.ok(
      page.body.includes('value="&quot;&gt;&lt;b&gt;hint&lt;/b&gt;"'),
      'login_hint pre-filled, escaped',
    );
    assert.ok(
      !/<script|style=|https?:\/\/(?!127\.0\.0\.1)/.test(page.body),
      'no script, inline style or external URL',
    );
    const csp = page.response.headers.get('content-security-policy') ?? '';
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /frame-ancestors 'none'/);

    const css = await fetch(new URL('/assets/dev-idp.css', idp.issuer));
    assert.equal(css.status, 200);
    assert.match(css.headers.get('content-type') ?? '', /^text\/css/);
    assert.match(await css.text(), /button/);
  });

  test('a seeded-user button signs in and the public client redeems the code', async () => {
    const { url, verifier } = await authorizationUrl();
    const jar = new CookieJar();
    const page = await open(url, jar);
    const action =
      /<form method="post" action="([^"]+)">\s*<input type="hidden" name="email" value="admin@ai-la.dev">/.exec(
        page.body,
      )?.[1];
    assert.ok(action);
    const result = await open(
      new URL(action, page.url).href,
      jar,
      formPost(page.url.origin, { email: 'admin@ai-la.dev' }),
    );
    assert.ok(result.leftTo);
    assert.equal(result.leftTo.origin + result.leftTo.pathname, REDIRECT_URI);
    const tokens = await oidc.authorizationCodeGrant(config, result.leftTo, {
      pkceCodeVerifier: verifier,
      expectedState: oidc.skipStateCheck,
    });
    assert.equal(tokens.claims()?.email, 'admin@ai-la.dev');
    const admin = idp.users.find((user) => user.email === 'admin@ai-la.dev');
    assert.ok(
      logLines.some(
        (line) => line.msg === 'dev idp sign-in' && line.sub === admin?.sub && line.component === 'dev-idp',
      ),
    );
  });

  test('a cross-site form post is refused', async () => {
    const { url } = await authorizationUrl();
    const jar = new CookieJar();
    const page = await open(url, jar);
    const refused = await open(
      `${page.url.href}/login`,
      jar,
      formPost('http://evil.test', { email: 'admin@ai-la.dev' }),
    );
    assert.equal(refused.response.status, 403);
    assert.match(refused.body, /only be submitted from the sign-in page/);
  });

  test('there is no GET way to sign in', async () => {
    const { url } = await authorizationUrl();
    const jar = new CookieJar();
    const page = await open(url, jar);
    const viaGet = await open(`${page.url.href}/login?email=admin%40ai-la.dev`, jar);
    assert.equal(viaGet.response.status, 405);
    assert.equal(viaGet.response.headers.get('allow'), 'POST');
  });

  test('without the interaction cookie the page explains that the sign-in expired', async () => {
    const { url } = await authorizationUrl();
    const page = await open(url, new CookieJar());
    const stranger = await open(page.url.href, new CookieJar());
    assert.equal(stranger.response.status, 400);
    assert.match(stranger.body, /Sign-in expired/);
  });

  test('cancel returns access_denied to the client', async () => {
    const { url } = await authorizationUrl();
    const jar = new CookieJar();
    const page = await open(url, jar);
    const cancelled = await open(`${page.url.href}/abort`, jar, formPost(page.url.origin, {}));
    const location = cancelled.leftTo;
    assert.ok(location);
    assert.equal(location.origin + location.pathname, REDIRECT_URI);
    assert.equal(location.searchParams.get('error'), 'access_denied');
  });

  test('logout without a post-logout URI ends on the IdP signed-out page', async () => {
    const jar = new CookieJar();
    const { url } = await authorizationUrl();
    await loginWithDevIdp(url, 'dev@ai-la.dev', jar);
    const endSession = oidc.buildEndSessionUrl(config, { client_id: PUBLIC_CLIENT });
    const finalUrl = new URL(await logoutWithDevIdp(endSession.href, jar));
    assert.equal(finalUrl.origin, idp.issuer);
    const signedOut = await open(finalUrl.href, jar);
    assert.match(signedOut.body, /You are signed out/);
  });
});

describe('startDevIdp guards', () => {
  const client = { clientId: 'c', redirectUris: [REDIRECT_URI] };

  test('refuses to start when NODE_ENV=production', async () => {
    const previous = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    try {
      await assert.rejects(startDevIdp({ clients: [client] }), /development only.*NODE_ENV=production/);
    } finally {
      if (previous === undefined) delete process.env.NODE_ENV;
      else process.env.NODE_ENV = previous;
    }
  });

  test('rejects unusable options before serving', async () => {
    await assert.rejects(startDevIdp({ clients: [] }), /at least one client/);
    await assert.rejects(startDevIdp({ clients: [client], users: [] }), /at least one user/);
    const user = { sub: 's', email: 'a@b.test', name: 'A', preferredUsername: 'a', groups: [] };
    await assert.rejects(
      startDevIdp({ clients: [client], users: [user, { ...user, sub: 't', email: 'A@B.test' }] }),
      /duplicate user email/,
    );
    await assert.rejects(startDevIdp({ clients: [client], issuer: 'http://127.0.0.1:1/idp' }), /origin only/);
    await assert.rejects(
      startDevIdp({ clients: [{ clientId: 'bad', redirectUris: ['not a url'] }] }),
      /client bad is invalid: redirect_uris must only contain valid uris/,
    );
  });
});
