import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { generateKeyPair, ed25519Sign as sign } from '../core/index.js';
import { SignatureChecker } from './signature-checker.js';

const key = generateKeyPair();
const other = generateKeyPair();
const checker = new SignatureChecker();
after(() => checker.close());

describe('signature checks on the worker thread', () => {
  test('answers each check in order, across batches larger than one message', async () => {
    const checks = Array.from({ length: 1500 }, (_, i) => {
      const data = Buffer.from(`receipt ${i}`);
      const signature = sign(key.privateKey, data);
      if (i % 3 === 1) signature[5] = (signature[5] ?? 0) ^ 1;
      const publicKey = i % 3 === 2 ? other.publicKeyRaw : key.publicKeyRaw;
      return checker.verify(publicKey, data, signature);
    });
    const results = await Promise.all(checks);
    assert.deepEqual(
      results,
      results.map((_, i) => i % 3 === 0),
    );
  });

  test('a malformed key or signature is a failed check, not an error', async () => {
    const data = Buffer.from('x');
    assert.equal(await checker.verify(Buffer.alloc(7), data, sign(key.privateKey, data)), false);
    assert.equal(await checker.verify(key.publicKeyRaw, data, Buffer.alloc(64)), false);
  });

  test('starts a new worker after it was stopped', async () => {
    await checker.close();
    const data = Buffer.from('after a restart');
    assert.equal(await checker.verify(key.publicKeyRaw, data, sign(key.privateKey, data)), true);
  });
});
