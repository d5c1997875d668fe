import assert from 'node:assert/strict';
import { createPublicKey, sign, verify } from 'node:crypto';
import { describe, test } from 'node:test';
import { generateSigningKeys, jwkThumbprint } from './keys.js';

describe('signing keys', () => {
  test('thumbprint matches the RFC 7638 §3.1 example', () => {
    const n =
      '0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw';
    assert.equal(
      jwkThumbprint({ kty: 'RSA', n, e: 'AQAB', alg: 'RS256' }),
      'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs',
    );
  });

  test('generates a usable RS256 and ES256 private key, different on every call', () => {
    const { keys } = generateSigningKeys();
    assert.deepEqual(
      keys.map((key) => [key.kty, key.alg, key.use]),
      [
        ['RSA', 'RS256', 'sig'],
        ['EC', 'ES256', 'sig'],
      ],
    );
    for (const key of keys) {
      assert.ok(key.d, 'private part present for signing');
      assert.equal(key.kid, jwkThumbprint(key));
      const data = Buffer.from('payload');
      const signature = sign('sha256', data, { key, format: 'jwk' });
      assert.ok(verify('sha256', data, createPublicKey({ key, format: 'jwk' }), signature));
    }
    assert.notEqual(generateSigningKeys().keys[0]?.kid, keys[0]?.kid);
  });
});
