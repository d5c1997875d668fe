import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CookieJar } from './test-login.js';

function withCookies(...cookies: string[]): Response {
  const headers = new Headers();
  for (const cookie of cookies) headers.append('set-cookie', cookie);
  return new Response(null, { status: 204, headers });
}

describe('CookieJar', () => {
  test('matches host and path, longest path first', () => {
    const jar = new CookieJar();
    jar.store(
      'http://127.0.0.1:1/auth/x',
      withCookies('root=1; path=/; httponly', '_interaction=u; path=/interaction/u; samesite=lax', 'dflt=2'),
    );
    assert.equal(jar.header('http://127.0.0.1:1/interaction/u/login'), '_interaction=u; root=1');
    assert.equal(jar.header('http://127.0.0.1:1/interaction/uv'), 'root=1');
    assert.equal(jar.header('http://127.0.0.1:1/auth/y'), 'dflt=2; root=1');
    assert.equal(jar.header('http://127.0.0.1:2/'), undefined);
  });

  test('replaces and expires cookies', () => {
    const jar = new CookieJar();
    jar.store('http://h.test/', withCookies('a=1; path=/', 'b=1; path=/'));
    jar.store('http://h.test/', withCookies('a=2; path=/', 'b=; path=/; max-age=0'));
    assert.equal(jar.header('http://h.test/'), 'a=2');
    jar.store('http://h.test/', withCookies('a=3; path=/; expires=Thu, 01 Jan 1970 00:00:00 GMT'));
    assert.equal(jar.header('http://h.test/'), undefined);
  });
});
