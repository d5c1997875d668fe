import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { cookieNames, parseCookies, serializeCookie } from './cookies.js';
import { csrfTokenOf, newApiKey, randomToken, safeEqual, sha256Hex } from './tokens.js';

describe('cookies', () => {
  test('parses a Cookie header; the first of a repeated name wins; quotes are removed', () => {
    const cookies = parseCookies('a=1; __Host-aila_session=abc_-9; a=2; q="x"; junk; =v');
    assert.equal(cookies.get('a'), '1');
    assert.equal(cookies.get('__Host-aila_session'), 'abc_-9');
    assert.equal(cookies.get('q'), 'x');
    assert.equal(cookies.size, 3);
    assert.equal(parseCookies(undefined).size, 0);
  });

  test('serialises HttpOnly, SameSite=Lax, Path=/ cookies without Domain', () => {
    assert.equal(
      serializeCookie('__Host-aila_session', 'tok', { secure: true, maxAgeSeconds: 3600 }),
      '__Host-aila_session=tok; Path=/; HttpOnly; SameSite=Lax; Secure; Max-Age=3600',
    );
    assert.equal(
      serializeCookie('aila_session', '', { secure: false, maxAgeSeconds: 0 }),
      'aila_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0',
    );
    assert.throws(() => serializeCookie('x', 'a;b', { secure: true }), /base64url/);
  });

  test('__Host- names only with Secure cookies', () => {
    assert.deepEqual(cookieNames(false), {
      session: '__Host-aila_session',
      login: '__Host-aila_login',
      saml: '__Host-aila_saml',
    });
    assert.deepEqual(cookieNames(true), { session: 'aila_session', login: 'aila_login', saml: 'aila_saml' });
  });

  test('SameSite=None only with Secure (the SAML binding cookie crosses the IdP POST)', () => {
    assert.equal(
      serializeCookie('__Host-aila_saml', 'b', { secure: true, sameSite: 'None', maxAgeSeconds: 60 }),
      '__Host-aila_saml=b; Path=/; HttpOnly; SameSite=None; Secure; Max-Age=60',
    );
    assert.throws(() => serializeCookie('aila_saml', 'b', { secure: false, sameSite: 'None' }), /Secure/);
  });
});

describe('tokens', () => {
  test('API keys: aila_ prefix, 256 random bits, stored as SHA-256, short display prefix', () => {
    const key = newApiKey();
    assert.match(key.secret, /^aila_[A-Za-z0-9_-]{43}$/);
    assert.equal(key.hash, sha256Hex(key.secret));
    assert.equal(key.prefix, key.secret.slice(0, 11));
    assert.notEqual(newApiKey().secret, key.secret);
  });

  test('the CSRF token is derived from the session token and reveals nothing of it', () => {
    const token = randomToken();
    assert.equal(csrfTokenOf(token), csrfTokenOf(token));
    assert.notEqual(csrfTokenOf(token), csrfTokenOf(randomToken()));
    assert.ok(!csrfTokenOf(token).includes(token));
    assert.equal(safeEqual('abc', 'abc'), true);
    assert.equal(safeEqual('abc', 'abd'), false);
    assert.equal(safeEqual('abc', 'abcd'), false);
  });
});
