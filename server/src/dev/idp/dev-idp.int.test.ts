import assert from 'node:assert/strict';
import { createPublicKey, type JsonWebKey, randomBytes, verify } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import * as oidc from 'openid-client';
import { type DevIdp, startDevIdp } from './dev-idp.js';
import { CookieJar, DevIdpLoginError, loginWithDevIdp, logoutWithDevIdp } from './test-login.js';

// The relying party never listens: the flow stops at the redirect to it, as a browser would hand over.
const CLIENT_ID = 'ai-la-appliance';
const CLIENT_SECRET = randomBytes(24).toString('base64url');
const REDIRECT_URI = 'http://127.0.0.1:9/auth/oidc/callback';
const POST_LOGOUT_URI = 'http://127.0.0.1:9/signed-out';
const SCOPE = 'openid email profile groups';

describe('development OIDC provider with openid-client as relying party', () => {
  let idp: DevIdp;
  let config: oidc.Configuration;

  before(async () => {
    idp = await startDevIdp({
      clients: [
        {
          clientId: CLIENT_ID,
          clientSecret: CLIENT_SECRET,
          redirectUris: [REDIRECT_URI],
          postLogoutRedirectUris: [POST_LOGOUT_URI],
        },
      ],
    });
    config = await oidc.discovery(
      new URL(idp.issuer),
      CLIENT_ID,
      undefined,
      oidc.ClientSecretBasic(CLIENT_SECRET),
      { execute: [oidc.allowInsecureRequests] },
    );
  });

  after(() => idp.close());

  async function authorization(overrides: Record<string, string> = {}) {
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT_URI,
      scope: SCOPE,
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
      ...overrides,
    });
    return { url: url.href, verifier, state, nonce };
  }

  test('discovery advertises the code flow with S256 PKCE, the claims and RP-initiated logout', () => {
    const metadata = config.serverMetadata();
    assert.equal(metadata.issuer, idp.issuer);
    assert.deepEqual(metadata.response_types_supported, ['code']);
    assert.deepEqual(metadata.code_challenge_methods_supported, ['S256']);
    assert.ok(metadata.end_session_endpoint?.startsWith(idp.issuer));
    for (const scope of ['openid', 'email', 'profile', 'groups']) {
      assert.ok(metadata.scopes_supported?.includes(scope), scope);
    }
    assert.ok(!metadata.scopes_supported?.includes('offline_access'));
    for (const claim of ['sub', 'email', 'email_verified', 'name', 'preferred_username', 'groups']) {
      assert.ok(metadata.claims_supported?.includes(claim), claim);
    }
  });

  test('publishes an RS256 and an ES256 public key, without private parts', async () => {
    const jwksUri = config.serverMetadata().jwks_uri;
    assert.ok(jwksUri);
    const { keys } = (await (await fetch(jwksUri)).json()) as { keys: Array<JsonWebKey & { alg?: string }> };
    assert.deepEqual(keys.map((key) => key.alg).sort(), ['ES256', 'RS256']);
    for (const key of keys) {
      assert.equal(key.d, undefined);
      assert.equal(key.p, undefined);
    }
  });

  test('seeds an admin, an auditor and a developer with fixed subjects and groups', () => {
    assert.deepEqual(
      idp.users.map((user) => [user.email, user.groups]),
      [
        ['admin@ai-la.dev', ['ai-la-admins']],
        ['auditor@ai-la.dev', ['ai-la-auditors']],
        ['dev@ai-la.dev', ['ai-la-developers']],
      ],
    );
    for (const user of idp.users)
      assert.match(user.sub, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });

  test('authorization code + PKCE flow signs the developer in, then RP-initiated logout ends the session', async () => {
    const jar = new CookieJar();
    const request = await authorization();
    const callback = new URL(await loginWithDevIdp(request.url, 'dev@ai-la.dev', jar));
    assert.equal(`${callback.origin}${callback.pathname}`, REDIRECT_URI);
    assert.equal(callback.searchParams.get('state'), request.state);
    assert.equal(callback.searchParams.get('iss'), idp.issuer); // RFC 9207

    const tokens = await oidc.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: request.verifier,
      expectedState: request.state,
      expectedNonce: request.nonce,
      idTokenExpected: true,
    });
    assert.equal(tokens.refresh_token, undefined);
    const claims = tokens.claims();
    assert.ok(claims);
    const developer = idp.users.find((user) => user.email === 'dev@ai-la.dev');
    assert.ok(developer);
    assert.equal(claims.sub, developer.sub);
    assert.equal(claims.email, 'dev@ai-la.dev');
    assert.equal(claims.email_verified, true);
    assert.equal(claims.name, 'Dana Developer');
    assert.equal(claims.preferred_username, 'dev');
    assert.deepEqual(claims.groups, ['ai-la-developers']);
    assert.equal(claims.nonce, request.nonce);
    await assertSignedByIssuer(config, tokens.id_token ?? '');

    const userinfo = await oidc.fetchUserInfo(config, tokens.access_token, developer.sub);
    for (const claim of ['sub', 'email', 'email_verified', 'name', 'preferred_username', 'groups']) {
      assert.deepEqual(userinfo[claim], claims[claim], claim);
    }

    // The IdP session is reused, as in a browser: no sign-in page the second time.
    const again = await authorization();
    const silent = new URL(await loginWithDevIdp(again.url, 'ignored@ai-la.dev', jar));
    const second = await oidc.authorizationCodeGrant(config, silent, {
      pkceCodeVerifier: again.verifier,
      expectedState: again.state,
      expectedNonce: again.nonce,
    });
    assert.equal(second.claims()?.sub, developer.sub);

    const endSession = oidc.buildEndSessionUrl(config, {
      id_token_hint: tokens.id_token ?? '',
      post_logout_redirect_uri: POST_LOGOUT_URI,
      state: 'bye',
    });
    assert.equal(await logoutWithDevIdp(endSession.href, jar), `${POST_LOGOUT_URI}?state=bye`);

    // Signed out: the same browser now gets the sign-in page again and can pick another user.
    const third = await authorization();
    const adminCallback = new URL(await loginWithDevIdp(third.url, 'ADMIN@ai-la.dev', jar));
    const adminTokens = await oidc.authorizationCodeGrant(config, adminCallback, {
      pkceCodeVerifier: third.verifier,
      expectedState: third.state,
      expectedNonce: third.nonce,
    });
    assert.equal(adminTokens.claims()?.email, 'admin@ai-la.dev');
    assert.deepEqual(adminTokens.claims()?.groups, ['ai-la-admins']);
  });

  test('openid-client rejects a response with the wrong state', async () => {
    const request = await authorization();
    const callback = new URL(await loginWithDevIdp(request.url, 'auditor@ai-la.dev'));
    await assert.rejects(
      oidc.authorizationCodeGrant(config, callback, {
        pkceCodeVerifier: request.verifier,
        expectedState: oidc.randomState(),
        expectedNonce: request.nonce,
      }),
      (error) => /unexpected "state"/.test(describeError(error)),
    );
  });

  test('openid-client rejects an ID token with the wrong nonce', async () => {
    const request = await authorization();
    const callback = new URL(await loginWithDevIdp(request.url, 'auditor@ai-la.dev'));
    await assert.rejects(
      oidc.authorizationCodeGrant(config, callback, {
        pkceCodeVerifier: request.verifier,
        expectedState: request.state,
        expectedNonce: oidc.randomNonce(),
      }),
      (error) => /unexpected ID Token "nonce"/.test(describeError(error)),
    );
  });

  test('the IdP refuses an authorization request without PKCE, even from a confidential client', async () => {
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT_URI,
      scope: SCOPE,
      state: oidc.randomState(),
      nonce: oidc.randomNonce(),
    });
    const callback = new URL(await loginWithDevIdp(url.href, 'dev@ai-la.dev'));
    assert.equal(callback.searchParams.get('error'), 'invalid_request');
    assert.match(callback.searchParams.get('error_description') ?? '', /PKCE/);
    assert.equal(callback.searchParams.get('code'), null);
  });

  test('an unknown e-mail gets a clear, escaped error on the sign-in page', async () => {
    const request = await authorization();
    const email = '<script>alert(1)</script>@evil.test';
    const error = await loginWithDevIdp(request.url, email).then(
      () => assert.fail('sign-in with an unknown e-mail succeeded'),
      (reason: unknown) => reason,
    );
    assert.ok(error instanceof DevIdpLoginError);
    assert.equal(error.status, 400);
    assert.match(error.body, /<title>AI-LA development sign-in<\/title>/);
    assert.match(error.body, /No development user has the e-mail address/);
    assert.ok(error.body.includes('&lt;script&gt;alert(1)&lt;/script&gt;@evil.test'));
    assert.ok(!error.body.includes('<script>'));
  });

  test('a wrong client secret is refused at the token endpoint', async () => {
    const request = await authorization();
    const callback = new URL(await loginWithDevIdp(request.url, 'dev@ai-la.dev'));
    const impostor = new oidc.Configuration(
      config.serverMetadata(),
      CLIENT_ID,
      undefined,
      oidc.ClientSecretBasic('wrong'),
    );
    oidc.allowInsecureRequests(impostor);
    await assert.rejects(
      oidc.authorizationCodeGrant(impostor, callback, {
        pkceCodeVerifier: request.verifier,
        expectedState: request.state,
        expectedNonce: request.nonce,
      }),
      (error) => /invalid_client/.test(describeError(error)),
    );
  });
});

/** Messages along an error's `cause` chain (openid-client wraps the precise reason in `cause`). */
function describeError(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && depth < 5; depth++) {
    if (current instanceof Error) {
      parts.push(current.message);
      current = current.cause;
    } else {
      parts.push(JSON.stringify(current));
      current = undefined;
    }
  }
  return parts.join(' <- ');
}

/** Verifies an RS256 ID token against the published JWKS with node:crypto (RFC 7515 §5.2). */
async function assertSignedByIssuer(config: oidc.Configuration, idToken: string): Promise<void> {
  const [header = '', payload = '', signature = ''] = idToken.split('.');
  const { alg, kid } = JSON.parse(Buffer.from(header, 'base64url').toString()) as {
    alg: string;
    kid: string;
  };
  assert.equal(alg, 'RS256');
  const jwksUri = config.serverMetadata().jwks_uri ?? '';
  const { keys } = (await (await fetch(jwksUri)).json()) as { keys: Array<JsonWebKey & { kid?: string }> };
  const jwk = keys.find((key) => key.kid === kid);
  assert.ok(jwk, 'signing key is published');
  const key = createPublicKey({ key: jwk, format: 'jwk' });
  const valid = verify(
    'sha256',
    Buffer.from(`${header}.${payload}`),
    key,
    Buffer.from(signature, 'base64url'),
  );
  assert.ok(valid, 'ID token signature verifies');
}
