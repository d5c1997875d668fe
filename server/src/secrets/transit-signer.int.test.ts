import assert from 'node:assert/strict';
import { createPublicKey, randomBytes, verify } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { VaultTestServer } from '../../test/fixtures/vault/server.js';
import { type RootClient, rootClient, rootVaultClient } from '../../test/fixtures/vault/setup.js';
import { kidOf } from '../evidence/core/keys.js';
import { buildReceipt, inputHashOfBytes, outputHashOfBytes, signReceipt } from '../evidence/core/receipt.js';
import { TransitSigner } from './transit-signer.js';
import type { VaultClient } from './vault-client.js';

/** node:crypto's own Ed25519 verification against a raw 32-byte public key (RFC 8410 SPKI). */
function ed25519Verify(publicKey: Buffer, data: Buffer, signature: Buffer): boolean {
  const spki = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), publicKey]);
  return verify(null, data, createPublicKey({ key: spki, format: 'der', type: 'spki' }), signature);
}

describe('Transit signer', () => {
  let server: VaultTestServer;
  let root: RootClient;
  let vault: VaultClient;

  const signRequests = (since: number) =>
    server.requests.slice(since).filter((r) => r.path === 'transit/sign/ai-la-receipts');

  before(async () => {
    server = await VaultTestServer.start();
    root = rootClient(server);
    await root.write('sys/mounts/transit', { type: 'transit' });
    await root.write('transit/keys/ai-la-receipts', { type: 'ed25519' });
    vault = await rootVaultClient(server);
  });

  after(async () => {
    vault.close();
    await server.close();
  });

  test('signatures verify with node:crypto against the public key Vault publishes', async () => {
    const signer = await TransitSigner.open({ vault, mount: 'transit', key: 'ai-la-receipts' });
    const key = (await root.read('transit/keys/ai-la-receipts')).data as {
      keys: Record<string, { public_key: string }>;
    };
    assert.deepEqual(signer.publicKey, Buffer.from(key.keys['1']?.public_key ?? '', 'base64'));
    assert.equal(signer.kid, kidOf(signer.publicKey));
    assert.equal(signer.keyVersion, 1);
    const data = randomBytes(300);
    const signature = await signer.sign(data);
    assert.equal(signature.length, 64);
    assert.ok(ed25519Verify(signer.publicKey, data, signature));
    assert.ok(!ed25519Verify(signer.publicKey, randomBytes(300), signature));
    // Vault's own verify endpoint agrees.
    const check = await root.write('transit/verify/ai-la-receipts', {
      input: data.toString('base64'),
      signature: `vault:v1:${signature.toString('base64')}`,
    });
    assert.equal((check?.data as { valid: boolean }).valid, true);
  });

  test('concurrent sign calls go out as batch_input requests', async () => {
    const signer = await TransitSigner.open({
      vault,
      mount: 'transit',
      key: 'ai-la-receipts',
      batchWindowMs: 5,
      maxBatchSize: 40,
    });
    const since = server.requests.length;
    const messages = Array.from({ length: 100 }, () => randomBytes(64));
    const signatures = await Promise.all(messages.map((m) => signer.sign(m)));
    const requests = signRequests(since);
    assert.deepEqual(
      requests.map((r) => r.batch),
      [40, 40, 20],
    );
    messages.forEach((m, i) => {
      assert.ok(ed25519Verify(signer.publicKey, m, signatures[i] as Buffer), `signature ${i}`);
    });
    // Calls spread over separate windows are separate requests; a lone call is a plain `input`.
    const lone = server.requests.length;
    await signer.sign(randomBytes(8));
    assert.deepEqual(
      signRequests(lone).map((r) => r.batch),
      [undefined],
    );
  });

  test('a rotated key is picked up by refresh; a pinned signer keeps its version', async () => {
    const signer = await TransitSigner.open({ vault, mount: 'transit', key: 'ai-la-receipts' });
    const before = signer.pinned();
    const oldKid = signer.kid;
    assert.equal(await signer.refresh(), false);
    await root.write('transit/keys/ai-la-receipts/rotate', {});
    assert.equal(await signer.refresh(), true);
    assert.equal(signer.keyVersion, 2);
    assert.deepEqual(
      signer.versions.map((v) => v.version),
      [1, 2],
    );
    assert.notEqual(signer.kid, oldKid);
    assert.equal(signer.versions[0]?.kid, oldKid);
    const data = randomBytes(32);
    assert.ok(ed25519Verify(signer.publicKey, data, await signer.sign(data)));
    assert.ok(ed25519Verify(before.publicKey, data, await before.sign(data)), 'pinned to version 1');
    assert.ok(!ed25519Verify(before.publicKey, data, await signer.sign(data)));
  });

  test('receipts signed through Transit pass the evidence signer checks', async () => {
    const signer = await TransitSigner.open({ vault, mount: 'transit', key: 'ai-la-receipts' });
    const pinned = signer.pinned();
    const unsigned = buildReceipt({
      codeRef: 'git:0123abcd',
      ts: Date.now(),
      nonce: randomBytes(16),
      inputHash: inputHashOfBytes(Buffer.from('hello world')),
      outputHash: outputHashOfBytes(Buffer.from('Hello, World!')),
      policyIds: ['no_retention'],
      publicKey: pinned.publicKey,
    });
    const receipt = await signReceipt(unsigned, pinned);
    assert.equal(receipt.pubkey, pinned.publicKey.toString('base64url'));
  });

  test('an unknown key is refused with a clear error', async () => {
    await assert.rejects(
      TransitSigner.open({ vault, mount: 'transit', key: 'absent' }),
      /^Error: transit key transit\/keys\/absent does not exist$/,
    );
  });
});
