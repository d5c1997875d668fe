import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  b64urlDecode,
  formatVerifierKey,
  generateKeyPair,
  kidOf,
  localSigner,
  openCheckpoint,
  type PinnedKey,
  parseVerifierKey,
  privateKeyToPem,
  seedOf,
  verifyReceipt,
} from '../../src/evidence/core/index.js';
import type { Jwk, KeyRole, KeySource } from '../../src/evidence/index.js';
import { AppError } from '../../src/platform/errors.js';
import { KvSecrets, openEvidenceKeySources, type VaultClient } from '../../src/secrets/index.js';
import { VaultTestServer } from '../fixtures/vault/server.js';
import { type RootClient, rootClient, rootVaultClient } from '../fixtures/vault/setup.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { buildOperation, type EvidenceHarness, startEvidence, testConfig, waitForSize } from './support.js';

/** The JWKS as the pinned key set of archival verification. */
const pinned = (jwks: { keys: Jwk[] }): PinnedKey[] =>
  jwks.keys.map((k) => ({ publicKey: b64urlDecode(k.x), nbf: k.nbf, ...(k.exp ? { exp: k.exp } : {}) }));

const kidOfReceipt = (receipt: Record<string, unknown>) => (receipt.ext as { kid: string }).kid;

/** Public key of each version of a Transit key, as Vault reports it. */
async function transitVersions(root: RootClient, key: string): Promise<Map<number, Buffer>> {
  const data = (await root.read(`transit/keys/${key}`)).data as {
    keys: Record<string, { public_key: string }>;
  };
  return new Map(Object.entries(data.keys).map(([v, k]) => [Number(v), Buffer.from(k.public_key, 'base64')]));
}

async function sourcesFor(
  vault: VaultClient,
  env: Record<string, string>,
  references = new Map<string, string>(),
): Promise<Record<KeyRole, KeySource>> {
  const config = await testConfig(env);
  const sources = await openEvidenceKeySources(config.evidence.keys, {
    vault,
    kv: new KvSecrets(vault),
    references,
  });
  assert.ok(sources);
  return sources;
}

async function jwksOf(h: EvidenceHarness): Promise<{ keys: Jwk[] }> {
  return (await (await fetch(`${h.url}/.well-known/tecp-jwks`)).json()) as { keys: Jwk[] };
}

async function vkeysOf(h: EvidenceHarness): Promise<{ receipts: string; audit: string }> {
  return (await (await fetch(`${h.url}/api/v1/tecp/vkeys`)).json()) as { receipts: string; audit: string };
}

/** Waits for a checkpoint of the receipts log that the verifier key `vkey` opens. */
async function checkpointSignedBy(h: EvidenceHarness, vkey: string): Promise<number> {
  const deadline = Date.now() + 15000;
  for (;;) {
    const note = await (await fetch(`${h.url}/log/receipts/checkpoint`)).text();
    try {
      return openCheckpoint(note, [parseVerifierKey(vkey)]).checkpoint.size;
    } catch {
      assert.ok(Date.now() < deadline, `no checkpoint signed by ${vkey}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

describe('evidence signing with Vault Transit', () => {
  let server: VaultTestServer;
  let root: RootClient;
  let vault: VaultClient;
  let h: EvidenceHarness;

  before(async () => {
    server = await VaultTestServer.start();
    root = rootClient(server);
    await root.write('sys/mounts/transit', { type: 'transit' });
    await root.write('transit/keys/ai-la-receipts', { type: 'ed25519' });
    // A version superseded before the appliance ever read the key still gets its JWKS entry.
    await root.write('transit/keys/ai-la-receipts/rotate', {});
    await root.write('transit/keys/ai-la-log', { type: 'ed25519' });
    vault = await rootVaultClient(server, 2000);
    const env = { AILA_EVIDENCE_KEYS_SOURCE: 'transit' };
    h = await startEvidence(env, { keySources: await sourcesFor(vault, env) });
  });
  after(async () => {
    await h?.stop();
    vault?.close();
    await server?.close();
  });

  test('receipts and checkpoints are signed in Vault; every key version is a kid in the JWKS', async () => {
    const receiptVersions = await transitVersions(root, 'ai-la-receipts');
    const logVersions = await transitVersions(root, 'ai-la-log');
    const v2 = receiptVersions.get(2) as Buffer;
    assert.equal(h.evidence.keys.receipt.privateKey, undefined, 'no private key in the process');
    assert.equal(h.evidence.keys.receipt.kid, kidOf(v2));

    const recorded = await Promise.all(
      Array.from({ length: 20 }, () => h.evidence.receipts.record(buildOperation())),
    );
    assert.ok(recorded.every((r) => kidOfReceipt(r.receipt) === kidOf(v2)));
    assert.ok(
      server.requests.some((r) => r.path === 'transit/sign/ai-la-receipts' && (r.batch ?? 0) > 1),
      'concurrent receipts are signed in one batch_input request',
    );

    const jwks = await jwksOf(h);
    const v1 = jwks.keys.find((k) => k.kid === kidOf(receiptVersions.get(1) as Buffer));
    assert.ok(v1?.exp !== undefined && v1.nbf < v1.exp, 'the earlier version keeps its window');
    assert.equal(jwks.keys.find((k) => k.kid === kidOf(v2))?.exp, undefined);
    for (const r of recorded) {
      assert.equal(verifyReceipt(r.receipt, { archival: true, keys: pinned(jwks) }).valid, true);
    }

    // The log key is the signed-note key of both logs' checkpoints.
    const vkeys = await vkeysOf(h);
    assert.equal(
      vkeys.receipts,
      formatVerifierKey(h.evidence.logs.receipts.origin, logVersions.get(1) as Buffer),
    );
    assert.equal(vkeys.audit, formatVerifierKey(h.evidence.logs.audit.origin, logVersions.get(1) as Buffer));
    await waitForSize(h.evidence, 'receipts', 20);
    assert.equal(await checkpointSignedBy(h, vkeys.receipts), 20);
  });

  test('after a rotation in Vault the new versions sign; the retired ones stay published', async () => {
    const before = await h.evidence.receipts.record(buildOperation());
    await waitForSize(h.evidence, 'receipts', 21);
    const oldVkey = (await vkeysOf(h)).receipts;
    await root.write('transit/keys/ai-la-receipts/rotate', {});
    await root.write('transit/keys/ai-la-log/rotate', {});
    assert.equal(await h.evidence.keys.refresh(), true);

    const v3 = (await transitVersions(root, 'ai-la-receipts')).get(3) as Buffer;
    const log2 = (await transitVersions(root, 'ai-la-log')).get(2) as Buffer;
    const after = await h.evidence.receipts.record(buildOperation());
    assert.equal(kidOfReceipt(after.receipt), kidOf(v3));
    const vkeys = await vkeysOf(h);
    assert.notEqual(vkeys.receipts, oldVkey);
    assert.equal(vkeys.receipts, formatVerifierKey(h.evidence.logs.receipts.origin, log2));
    await waitForSize(h.evidence, 'receipts', 22);
    assert.equal(await checkpointSignedBy(h, vkeys.receipts), 22);

    const jwks = await jwksOf(h);
    assert.equal(jwks.keys.length, 3, 'versions 1, 2 and 3');
    const retired = jwks.keys.find((k) => k.kid === kidOfReceipt(before.receipt));
    assert.ok(retired?.exp !== undefined && retired.exp > Date.now(), 'v2 retired with a grace period');
    for (const r of [before, after]) {
      assert.equal(verifyReceipt(r.receipt, { archival: true, keys: pinned(jwks) }).valid, true);
    }
    assert.equal(await h.evidence.keys.refresh(), false, 'nothing new: nothing changes');
  });

  test('Vault down: receipts fail with EVIDENCE_UNAVAILABLE and nothing is stored; recovery when it returns', async () => {
    await waitForSize(h.evidence, 'receipts', 22);
    const leaves = Number((await h.db('log_leaves').count({ n: '*' }))[0]?.n);
    const checkpoints = Number((await h.db('checkpoints').count({ n: '*' }))[0]?.n);
    await server.stop();
    try {
      await assert.rejects(
        h.evidence.receipts.record(buildOperation()),
        (err) => err instanceof AppError && err.code === 'EVIDENCE_UNAVAILABLE',
      );
      // The key refresh fails too; the keys in use stay.
      const kid = h.evidence.keys.receipt.kid;
      await assert.rejects(h.evidence.keys.refresh());
      assert.equal(h.evidence.keys.receipt.kid, kid);
      assert.equal(Number((await h.db('log_leaves').count({ n: '*' }))[0]?.n), leaves, 'no unsigned receipt');
      assert.match(await h.registry.metrics(), /aila_evidence_signing_failures_total\{key="receipt"\} [1-9]/);
    } finally {
      await server.resume();
    }
    const recovered = await h.evidence.receipts.record(buildOperation());
    assert.equal(kidOfReceipt(recovered.receipt), h.evidence.keys.receipt.kid);
    await waitForSize(h.evidence, 'receipts', 23);
    assert.ok(Number((await h.db('checkpoints').count({ n: '*' }))[0]?.n) > checkpoints);
  });
});

describe('a remote signer whose answer does not verify', () => {
  test('withholds the receipt and never stores a checkpoint', async () => {
    const claimed = generateKeyPair();
    const actual = localSigner(generateKeyPair());
    const lying: KeySource = {
      load: async () => ({
        key: {
          kid: kidOf(claimed.publicKeyRaw),
          publicKey: claimed.publicKeyRaw,
          signer: { publicKey: claimed.publicKeyRaw, sign: actual.sign },
        },
        earlier: [],
        label: 'test signer',
      }),
    };
    const h = await startEvidence(
      { AILA_EVIDENCE_KEYS_SOURCE: 'transit' },
      { keySources: { receipt: lying, log: lying } },
    );
    try {
      await assert.rejects(
        h.evidence.receipts.record(buildOperation()),
        (err) => err instanceof AppError && err.code === 'EVIDENCE_UNAVAILABLE',
      );
      // The audit log has a leaf to integrate; its checkpoint signature fails the check every time.
      await h.db.transaction((trx) =>
        h.audit.record(trx, {
          action: 'keys.rotated',
          outcome: 'success',
          actor: { type: 'system', id: 'test' },
        }),
      );
      await new Promise((r) => setTimeout(r, 1000));
      assert.equal(Number((await h.db('checkpoints').count({ n: '*' }))[0]?.n), 0);
      assert.equal(Number((await h.db('log_entries').count({ n: '*' }))[0]?.n), 0, 'integration rolled back');
    } finally {
      await h.stop();
    }
  });
});

describe('evidence signing keys from Vault KV v2', () => {
  let server: VaultTestServer;
  let vault: VaultClient;
  let database: TestDatabase;

  before(async () => {
    server = await VaultTestServer.start();
    vault = await rootVaultClient(server, 2000);
    database = await createTestDatabase();
  });
  after(async () => {
    vault?.close();
    await server?.close();
    await database?.drop();
  });

  test('vault: references name the keys; a new secret version is a rotation', async () => {
    const root = rootClient(server);
    const [receipt1, receipt2, log] = [generateKeyPair(), generateKeyPair(), generateKeyPair()];
    await root.write('secret/data/ai-la/evidence', {
      data: {
        'receipt-key': privateKeyToPem(receipt1.privateKey),
        'log-key': seedOf(log.privateKey).toString('hex'),
      },
    });
    const references = new Map([
      ['evidence.keys.kv.receiptKey', 'vault:secret/ai-la/evidence#receipt-key'],
      ['evidence.keys.kv.logKey', 'vault:secret/ai-la/evidence#log-key'],
    ]);
    const env = {
      AILA_EVIDENCE_KEYS_SOURCE: 'kv',
      AILA_EVIDENCE_KEYS_KV_RECEIPT_KEY: 'resolved at boot',
      AILA_EVIDENCE_KEYS_KV_LOG_KEY: 'resolved at boot',
    };
    const h = await startEvidence(env, { database, keySources: await sourcesFor(vault, env, references) });
    try {
      assert.equal(h.evidence.keys.receipt.kid, kidOf(receipt1.publicKeyRaw));
      assert.ok(h.evidence.keys.receipt.privateKey, 'KV keys sign locally (the fast path)');
      assert.equal(h.evidence.keys.log.kid, kidOf(log.publicKeyRaw));
      const first = await h.evidence.receipts.record(buildOperation());

      await root.write('secret/data/ai-la/evidence', {
        data: {
          'receipt-key': privateKeyToPem(receipt2.privateKey),
          'log-key': privateKeyToPem(log.privateKey),
        },
      });
      assert.equal(await h.evidence.keys.refresh(), true);
      const second = await h.evidence.receipts.record(buildOperation());
      assert.equal(kidOfReceipt(second.receipt), kidOf(receipt2.publicKeyRaw));
      const jwks = await jwksOf(h);
      for (const r of [first, second]) {
        assert.equal(verifyReceipt(r.receipt, { archival: true, keys: pinned(jwks) }).valid, true);
      }
    } finally {
      await h.stop();
    }
  });

  test('a kv key that is not a vault: reference is refused, naming the key', async () => {
    const config = await testConfig({
      AILA_EVIDENCE_KEYS_SOURCE: 'kv',
      AILA_EVIDENCE_KEYS_KV_RECEIPT_KEY: 'inline',
      AILA_EVIDENCE_KEYS_KV_LOG_KEY: 'inline',
    });
    await assert.rejects(
      openEvidenceKeySources(config.evidence.keys, {
        vault,
        kv: new KvSecrets(vault),
        references: new Map(),
      }),
      /evidence\.keys\.kv\.receiptKey must be a vault:<mount>\/<path>#<key> reference/,
    );
  });
});
