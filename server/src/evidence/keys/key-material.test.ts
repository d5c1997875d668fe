import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { formatSignerKey, keyPairFromSeed, privateKeyToPem } from '../core/index.js';
import { parseSeed, readOrCreateSeed, replaceSeed } from './key-material.js';

const seed = Buffer.from('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f', 'hex');

describe('signing key files', () => {
  test('every accepted encoding gives the same seed', () => {
    const forms = [
      Buffer.from(privateKeyToPem(keyPairFromSeed(seed).privateKey)),
      Buffer.from(formatSignerKey('example.com/log', seed)),
      Buffer.from(`${seed.toString('hex')}\n`),
      Buffer.from(seed.toString('base64')),
      Buffer.from(seed.toString('base64url')),
      seed,
    ];
    for (const form of forms)
      assert.ok(parseSeed(form, 'k').equals(seed), form.toString('utf8').slice(0, 20));
  });

  test('anything else is refused with the file named', () => {
    assert.throws(
      () => parseSeed(Buffer.from('-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----'), 'a.pem'),
      /a\.pem/,
    );
    assert.throws(() => parseSeed(Buffer.from('not a key'), 'b.txt'), /b\.txt: not an Ed25519 private key/);
    assert.throws(() => parseSeed(Buffer.alloc(31), 'c.bin'), /c\.bin/);
  });

  test('generated keys: created once with mode 0600, then read back; replaced on rotation', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'aila-keytest-'));
    try {
      const path = join(dir, 'nested', 'key.pem');
      const [a, b] = await Promise.all([readOrCreateSeed(path), readOrCreateSeed(path)]);
      assert.ok(a.equals(b));
      assert.ok((await readOrCreateSeed(path)).equals(a));
      assert.equal((await stat(path)).mode & 0o777, 0o600);
      assert.match(await readFile(path, 'utf8'), /BEGIN PRIVATE KEY/);
      const c = await replaceSeed(path);
      assert.ok(!c.equals(a));
      assert.ok((await readOrCreateSeed(path)).equals(c));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
