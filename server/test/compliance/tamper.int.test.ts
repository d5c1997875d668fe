/**
 * Each way of tampering with a bundle is caught by `aila verify-bundle`, with a message that says
 * what is wrong: a flipped byte in an entry, a removed entry, reordered entries, a swapped proof, a
 * forged checkpoint, a wrong key, an edited manifest, a truncated archive.
 */
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { verifyBundle } from '../../src/compliance/bundle/verify/verify-bundle.js';
import { formatVerifierKey, generateKeyPair, localSigner, signNote } from '../../src/evidence/core/index.js';
import { runCli } from '../support/process.js';
import { exportNow, type Harness, openHarness } from './harness.js';
import { rewrite } from './support.js';

describe('tampered bundles are refused with specific messages', () => {
  let h: Harness;
  let bundle: string;
  let vkey: string;
  const failures = async (file: string, pinned: Parameters<typeof verifyBundle>[1] = {}) => {
    const report = await verifyBundle(file, pinned);
    assert.equal(report.valid, false);
    return report.checks.filter((c) => !c.ok).flatMap((c) => c.errors.map((e) => `${c.name}: ${e}`));
  };
  const tampered = async (name: string, edit: (m: Map<string, Buffer>) => void) => {
    const file = join(h.dir, `${name}.tar.gz`);
    await rewrite(bundle, file, edit);
    return file;
  };
  const lines = (m: Map<string, Buffer>, path: string) =>
    (m.get(path) as Buffer).toString('utf8').split('\n');
  const blocks = (m: Map<string, Buffer>) =>
    (m.get('receipts/proofs') as Buffer).toString('utf8').replace(/\n$/, '').split('\n\n');
  const setBlocks = (m: Map<string, Buffer>, b: string[]) =>
    m.set('receipts/proofs', Buffer.from(`${b.join('\n\n')}\n`));

  before(async () => {
    h = await openHarness();
    await h.record(5);
    await h.waitForLogs();
    const replica = await h.replica();
    replica.start();
    const job = await exportNow(replica);
    assert.equal(job.status, 'completed');
    bundle = join(h.dir, job.file as string);
    vkey = formatVerifierKey(h.evidence.logs.receipts.origin, h.evidence.keys.log.publicKey);
  });
  after(() => h?.close());

  test('the untouched bundle is valid, pinned to the log key', async () => {
    const report = await verifyBundle(bundle, { receiptsVkeys: [vkey] });
    assert.deepEqual(
      report.checks.filter((c) => !c.ok).map((c) => c.errors),
      [],
    );
    assert.equal(report.valid, true);
  });

  test('a flipped byte in an entry', async () => {
    const file = await tampered('flipped', (m) => {
      const data = Buffer.from(m.get('receipts/entries.jsonl') as Buffer);
      const at = data.indexOf('"nonce":"') + 10;
      data.writeUInt8(data.readUInt8(at) === 0x41 ? 0x42 : 0x41, at);
      m.set('receipts/entries.jsonl', data);
    });
    const errors = await failures(file);
    assert.ok(
      errors.some((e) => /files: receipts\/entries\.jsonl: SHA-256 .* does not match the manifest/.test(e)),
      errors.join('\n'),
    );
    assert.ok(
      errors.some((e) =>
        /receipts entries: receipts\/entries\.jsonl line 1 \(log index 0\): inclusion proof does not verify/.test(
          e,
        ),
      ),
    );
    assert.ok(errors.some((e) => /line 1 \(log index 0\): receipt E-SIG-002 sig/.test(e)));
  });

  test('a removed entry', async () => {
    const file = await tampered('removed', (m) => {
      const l = lines(m, 'receipts/entries.jsonl');
      l.splice(2, 1);
      m.set('receipts/entries.jsonl', Buffer.from(l.join('\n')));
      const b = blocks(m);
      b.splice(2, 1);
      setBlocks(m, b);
    });
    const errors = await failures(file);
    assert.ok(
      errors.some((e) => /receipts\/entries\.jsonl has 4 entries, the manifest counts 5/.test(e)),
      errors.join('\n'),
    );
  });

  test('reordered entries', async () => {
    const file = await tampered('reordered', (m) => {
      const l = lines(m, 'receipts/entries.jsonl');
      [l[1], l[2]] = [l[2] as string, l[1] as string];
      m.set('receipts/entries.jsonl', Buffer.from(l.join('\n')));
      const b = blocks(m);
      [b[1], b[2]] = [b[2] as string, b[1] as string];
      setBlocks(m, b);
    });
    const errors = await failures(file);
    assert.ok(
      errors.some((e) =>
        /line 3 \(log index 1\): index 1 is not above the previous line's 2 \(entries reordered or repeated\)/.test(
          e,
        ),
      ),
      errors.join('\n'),
    );
  });

  test('a swapped proof', async () => {
    const file = await tampered('swapped', (m) => {
      const b = blocks(m);
      const hashes = (x: string) => x.slice(x.indexOf('\n'));
      const [one, two] = [b[1] as string, b[3] as string];
      b[1] = `${one.split('\n')[0]}${hashes(two)}`;
      setBlocks(m, b);
    });
    const errors = await failures(file);
    assert.ok(
      errors.some((e) =>
        /line 2 \(log index 1\): inclusion proof does not verify against receipts\/checkpoint/.test(e),
      ),
      errors.join('\n'),
    );
  });

  test('a forged checkpoint: edited, or re-signed by another key', async () => {
    const edited = await tampered('forged-edit', (m) => {
      const note = (m.get('receipts/checkpoint') as Buffer).toString();
      m.set('receipts/checkpoint', Buffer.from(note.replace(/\n5\n/, '\n6\n')));
    });
    const errors = await failures(edited);
    assert.ok(
      errors.some((e) => /receipts checkpoint: receipts\/checkpoint: invalid signature for key/.test(e)),
      errors.join('\n'),
    );
    const forger = localSigner(generateKeyPair());
    const origin = h.evidence.logs.receipts.origin;
    const fake = await signNote(`${origin}\n5\n${Buffer.alloc(32).toString('base64')}\n`, origin, forger);
    const resigned = await tampered('forged-key', (m) => m.set('receipts/checkpoint', Buffer.from(fake)));
    const errors2 = await failures(resigned);
    assert.ok(
      errors2.some((e) =>
        /receipts checkpoint: receipts\/checkpoint: note has no verifiable signatures/.test(e),
      ),
      errors2.join('\n'),
    );
  });

  test('a wrong key: a bundle signed by a key other than the pinned one', async () => {
    const other = formatVerifierKey(h.evidence.logs.receipts.origin, generateKeyPair().publicKeyRaw);
    const errors = await failures(bundle, { receiptsVkeys: [other] });
    assert.ok(
      errors.some((e) => /keys: keys\/receipts\.vkey is not a pinned receipts log key/.test(e)),
      errors.join('\n'),
    );
    assert.ok(
      errors.some((e) => /manifest signature: manifest\.sig: note has no verifiable signatures/.test(e)),
    );
    const { code, output } = await runCli(['verify-bundle', bundle, '--receipts-vkey', other], {});
    assert.equal(code, 1);
    assert.match(output, /FAILED {2}keys/);
    assert.match(output, /\nINVALID\n/);
  });

  test('an edited manifest', async () => {
    const file = await tampered('manifest', (m) => {
      const manifest = JSON.parse((m.get('manifest.json') as Buffer).toString()) as { requested_by: string };
      manifest.requested_by = '00000000-0000-4000-8000-000000000000';
      m.set('manifest.json', Buffer.from(JSON.stringify(manifest, null, 2)));
    });
    const errors = await failures(file);
    assert.ok(
      errors.some((e) => /manifest signature: manifest\.sig signs a different manifest\.json/.test(e)),
      errors.join('\n'),
    );
  });

  test('a truncated archive', async () => {
    const bytes = await readFile(bundle);
    const file = join(h.dir, 'truncated.tar.gz');
    await writeFile(file, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    const errors = await failures(file);
    assert.ok(
      errors.some((e) => /archive: the archive is truncated: the gzip stream ends early/.test(e)),
      errors.join('\n'),
    );
    const { code } = await runCli(['verify-bundle', file], {});
    assert.equal(code, 1);
    const usage = await runCli(['verify-bundle'], {});
    assert.equal(usage.code, 2);
  });
});
