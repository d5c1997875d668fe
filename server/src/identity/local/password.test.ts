import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { hashPassword, parseHash, verifyPassword } from './password.js';

describe('break-glass password hashes (scrypt, RFC 7914)', () => {
  test('hash and verify; salted, so the same password hashes differently', async () => {
    const hash = await hashPassword('correct horse battery staple');
    assert.match(hash, /^scrypt\$32768\$8\$1\$[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{44}$/);
    assert.equal(await verifyPassword('correct horse battery staple', hash), true);
    assert.equal(await verifyPassword('correct horse battery stapler', hash), false);
    assert.notEqual(await hashPassword('correct horse battery staple'), hash);
  });

  test('malformed or absurd hashes never verify', async () => {
    assert.equal(await verifyPassword('x', 'plain-text'), false);
    assert.equal(parseHash('scrypt$1000$8$1$AAAA$AAAA'), undefined);
    assert.equal(parseHash(`scrypt$${2 ** 22}$8$1$AAAA$AAAA`), undefined);
  });
});
