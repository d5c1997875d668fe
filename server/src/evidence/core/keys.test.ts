import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { describe, test } from 'node:test';
import {
  generateKeyPair,
  keyPairFromPrivateKey,
  keyPairFromSeed,
  kidOf,
  localSigner,
  privateKeyFromPem,
  privateKeyToPem,
  publicKeyFromPem,
  publicKeyFromRaw,
  publicKeyToPem,
  rawPublicKey,
  seedOf,
  sign,
  verify,
} from './keys.js';

const hex = (s: string): Buffer => Buffer.from(s, 'hex');

describe('Ed25519 keys', () => {
  test('RFC 8032 §7.1 test vectors 1 and 2', () => {
    const vectors = [
      {
        seed: '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60',
        pub: 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
        msg: '',
        sig: 'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
      },
      {
        seed: '4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb',
        pub: '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c',
        msg: '72',
        sig: '92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00',
      },
    ];
    for (const v of vectors) {
      const kp = keyPairFromSeed(hex(v.seed));
      assert.equal(kp.publicKeyRaw.toString('hex'), v.pub);
      assert.equal(sign(kp.privateKey, hex(v.msg)).toString('hex'), v.sig);
      assert.equal(verify(hex(v.pub), hex(v.msg), hex(v.sig)), true);
      assert.equal(verify(kp.publicKey, hex(v.msg), hex(v.sig)), true);
      assert.deepEqual(seedOf(kp.privateKey), hex(v.seed));
    }
  });

  test('verify returns false for tampering and malformed input, never throws', () => {
    const kp = generateKeyPair();
    const msg = Buffer.from('message');
    const sig = sign(kp.privateKey, msg);
    assert.equal(verify(kp.publicKeyRaw, msg, sig), true);
    assert.equal(verify(kp.publicKeyRaw, Buffer.from('messagf'), sig), false);
    const bad = Buffer.from(sig);
    bad[0] = (bad[0] ?? 0) ^ 1;
    assert.equal(verify(kp.publicKeyRaw, msg, bad), false);
    assert.equal(verify(kp.publicKeyRaw, msg, sig.subarray(0, 63)), false);
    assert.equal(verify(kp.publicKeyRaw.subarray(0, 31), msg, sig), false);
    assert.equal(verify(generateKeyPair().publicKeyRaw, msg, sig), false);
    assert.equal(verify(kp.privateKey, msg, sig), false);
  });

  test('kidOf is b64url(SHA-256(raw public key))', () => {
    const kp = keyPairFromSeed(Buffer.alloc(32, 7));
    const expected = createHash('sha256').update(kp.publicKeyRaw).digest('base64url');
    assert.equal(kidOf(kp.publicKeyRaw), expected);
    assert.equal(kidOf(kp.publicKeyRaw).length, 43);
    assert.throws(() => kidOf(Buffer.alloc(31)));
  });

  test('raw, PKCS#8 and SPKI PEM round trips', () => {
    const kp = generateKeyPair();
    const privPem = privateKeyToPem(kp.privateKey);
    const pubPem = publicKeyToPem(kp.publicKey);
    assert.match(privPem, /^-----BEGIN PRIVATE KEY-----\n/);
    assert.match(pubPem, /^-----BEGIN PUBLIC KEY-----\n/);
    const again = keyPairFromPrivateKey(privateKeyFromPem(privPem));
    assert.deepEqual(again.publicKeyRaw, kp.publicKeyRaw);
    assert.deepEqual(rawPublicKey(publicKeyFromPem(pubPem)), kp.publicKeyRaw);
    assert.deepEqual(rawPublicKey(publicKeyFromRaw(kp.publicKeyRaw)), kp.publicKeyRaw);
    assert.throws(() => publicKeyFromPem(privPem), /SPKI/);
  });

  test('rejects keys of other algorithms and wrong sizes', () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    assert.throws(() => keyPairFromPrivateKey(ec.privateKey), /Ed25519/);
    assert.throws(() => rawPublicKey(ec.publicKey), /Ed25519/);
    assert.throws(
      () => privateKeyFromPem(ec.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString()),
      /Ed25519/,
    );
    assert.throws(() => keyPairFromSeed(Buffer.alloc(31)), /32 bytes/);
    assert.throws(() => publicKeyFromRaw(Buffer.alloc(33)), /32 bytes/);
  });

  test('localSigner signs with the key pair', async () => {
    const kp = generateKeyPair();
    const signer = localSigner(kp);
    const sig = await signer.sign(Buffer.from('x'));
    assert.equal(verify(signer.publicKey, Buffer.from('x'), sig), true);
  });
});
