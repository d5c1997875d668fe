import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  generateKeyPair,
  openCheckpoint,
  parseVerifierKey,
  privateKeyToPem,
} from '../../src/evidence/core/index.js';
import { rotateSigningKeys, verifyCommand } from '../../src/evidence/index.js';
import { keyFiles } from '../../src/evidence/keys/key-ring.js';
import { buildOperation, type EvidenceHarness, startEvidence, testConfig, waitForSize } from './support.js';

const run = async (args: string[]) => {
  let stdout = '';
  let stderr = '';
  const code = await verifyCommand(args, {
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
  });
  return { code, stdout, stderr };
};

describe('signing keys: rotation, JWKS, offline verification', () => {
  let h: EvidenceHarness;
  let dir: string;

  before(async () => {
    h = await startEvidence();
    dir = await mkdtemp(join(tmpdir(), 'aila-verify-'));
  });
  after(async () => {
    await h.stop();
    await rm(dir, { recursive: true, force: true });
  });

  test('rotation: new kids, old keys kept with their window, checkpoints re-signed, old receipts verify', async () => {
    const first = await h.evidence.receipts.record(buildOperation());
    await waitForSize(h.evidence, 'receipts', 1);
    const oldVkey = ((await (await fetch(`${h.url}/api/v1/tecp/vkeys`)).json()) as { receipts: string })
      .receipts;
    const oldKid = h.evidence.keys.receipt.kid;

    const results = await rotateSigningKeys({
      db: h.db,
      config: h.config.evidence.keys,
      production: false,
      roles: ['receipt', 'log'],
      audit: h.audit,
    });
    assert.equal(results.length, 2);
    assert.ok(results[0]?.retired.some((r) => r.kid === oldKid && r.purpose === 'receipts'));
    assert.equal(await h.evidence.keys.refresh(), true);
    assert.notEqual(h.evidence.keys.receipt.kid, oldKid);
    assert.equal(results[0]?.kid, h.evidence.keys.receipt.kid);

    // The sequencer re-signs the unchanged tree with the new log key.
    const newVkey = ((await (await fetch(`${h.url}/api/v1/tecp/vkeys`)).json()) as { receipts: string })
      .receipts;
    assert.notEqual(newVkey, oldVkey);
    const deadline = Date.now() + 10000;
    let note = '';
    for (;;) {
      note = await (await fetch(`${h.url}/log/receipts/checkpoint`)).text();
      try {
        openCheckpoint(note, [parseVerifierKey(newVkey)]);
        break;
      } catch {
        assert.ok(Date.now() < deadline, 'no checkpoint signed by the new log key');
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    assert.equal(openCheckpoint(note, [parseVerifierKey(newVkey)]).checkpoint.size, 1);

    const second = await h.evidence.receipts.record(buildOperation());
    assert.equal((second.receipt.ext as { kid: string }).kid, h.evidence.keys.receipt.kid);
    await waitForSize(h.evidence, 'receipts', 2);

    const jwks = (await (await fetch(`${h.url}/.well-known/tecp-jwks`)).json()) as {
      keys: Array<{ kid: string; exp?: number; nbf: number }>;
    };
    const old = jwks.keys.find((k) => k.kid === oldKid);
    assert.ok(old?.exp !== undefined && old.exp > Date.now());
    assert.equal(jwks.keys.find((k) => k.kid === h.evidence.keys.receipt.kid)?.exp, undefined);
    const audited = await h.db('audit_events').where({ action: 'keys.rotated' });
    assert.equal(audited.length, 2);

    // Offline, archival: both receipts verify against the published key set, with their proofs.
    const jwksFile = join(dir, 'jwks.json');
    await writeFile(jwksFile, JSON.stringify(jwks));
    for (const [i, r] of [first, second].entries()) {
      const detail = await (await fetch(`${h.url}/api/v1/receipts/${r.id}`)).text();
      const file = join(dir, `receipt-${i}.json`);
      await writeFile(file, detail);
      const ok = await run([file, '--keys', jwksFile, '--vkey', newVkey]);
      assert.equal(ok.code, 0, ok.stdout + ok.stderr);
      assert.match(ok.stdout, /inclusion_proof: ok/);
      assert.match(ok.stdout, /VALID/);
    }
    const metrics = await h.registry.metrics();
    assert.match(
      metrics,
      new RegExp(`aila_signing_key_expiry_timestamp_seconds\\{kid="${oldKid}",purpose="receipts"\\}`),
    );
  });

  test('aila verify: proof files, tampering, unknown keys and bad input', async () => {
    const r = await h.evidence.receipts.record(buildOperation());
    const receiptFile = join(dir, 'plain.json');
    await writeFile(receiptFile, JSON.stringify(r.receipt));
    await waitForSize(h.evidence, 'receipts', 3);
    const index = Number(
      ((await (await fetch(`${h.url}/api/v1/receipts/${r.id}`)).json()) as { index: number }).index,
    );
    const proofFile = join(dir, 'proof.txt');
    await writeFile(
      proofFile,
      await (await fetch(`${h.url}/api/v1/tecp/proof?log=receipts&index=${index}`)).text(),
    );
    const vkeyFile = join(dir, 'receipts.vkey');
    await writeFile(
      vkeyFile,
      `${((await (await fetch(`${h.url}/api/v1/tecp/vkeys`)).json()) as { receipts: string }).receipts}\n`,
    );
    const jwksFile = join(dir, 'jwks-now.json');
    await writeFile(jwksFile, await (await fetch(`${h.url}/.well-known/tecp-jwks`)).text());

    const ok = await run([
      receiptFile,
      '--keys',
      jwksFile,
      '--proof',
      proofFile,
      '--vkey',
      vkeyFile,
      '--json',
    ]);
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    assert.equal((JSON.parse(ok.stdout) as { valid: boolean; mode: string }).mode, 'archival');
    // Fresh mode (no pinned keys): the TECP reference verifier's 24-hour window.
    assert.equal((await run([receiptFile])).code, 0);

    const tamperedFile = join(dir, 'tampered.json');
    await writeFile(tamperedFile, JSON.stringify({ ...r.receipt, output_hash: r.receipt.input_hash }));
    const tampered = await run([tamperedFile, '--keys', jwksFile, '--proof', proofFile, '--vkey', vkeyFile]);
    assert.equal(tampered.code, 1);
    assert.match(tampered.stdout, /E-SIG-002/);
    assert.match(tampered.stdout, /E-LOG-002/);

    const strangerFile = join(dir, 'stranger-jwks.json');
    const stranger = generateKeyPair().publicKeyRaw.toString('base64url');
    await writeFile(
      strangerFile,
      JSON.stringify({ keys: [{ kty: 'OKP', crv: 'Ed25519', x: stranger, kid: 'k', use: 'sig', nbf: 0 }] }),
    );
    const unknown = await run([receiptFile, '--keys', strangerFile]);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stdout, /key_known: FAILED/);

    assert.equal((await run([])).code, 2);
    assert.equal((await run([join(dir, 'missing.json')])).code, 2);
    assert.equal((await run([receiptFile, '--proof', proofFile])).code, 2);
  });

  test('key sources: file keys must be rotated by the operator; generated keys are refused in production', async () => {
    const config = await testConfig({
      AILA_EVIDENCE_KEYS_SOURCE: 'file',
      AILA_EVIDENCE_KEYS_RECEIPT_KEY_FILE: join(dir, 'r.pem'),
      AILA_EVIDENCE_KEYS_LOG_KEY_FILE: join(dir, 'l.pem'),
    });
    assert.throws(() => keyFiles(h.config.evidence.keys, true), /development only/);
    assert.throws(() => keyFiles({ ...config.evidence.keys, logKeyFile: undefined }, false), /logKeyFile/);
    const pem = privateKeyToPem(h.evidence.keys.receipt.privateKey ?? generateKeyPair().privateKey);
    await writeFile(join(dir, 'r.pem'), pem, { mode: 0o600 });
    await assert.rejects(
      rotateSigningKeys({ db: h.db, config: config.evidence.keys, production: true, roles: ['receipt'] }),
      /still holds the current receipt key/,
    );
    await writeFile(join(dir, 'r.pem'), privateKeyToPem(generateKeyPair().privateKey), { mode: 0o600 });
    const [done] = await rotateSigningKeys({
      db: h.db,
      config: config.evidence.keys,
      production: true,
      roles: ['receipt'],
    });
    assert.ok(done?.retired.some((k) => k.kid === h.evidence.keys.receipt.kid));
  });
});
