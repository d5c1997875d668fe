import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import {
  checkConsistencyText,
  HASH_SIZE,
  leafHash,
  nodeHash,
  openCheckpoint,
  parseVerifierKey,
  type Receipt,
  rangeRootOf,
  receiptLeafData,
  rootOf,
  verifyTlogProof,
} from '../../src/evidence/core/index.js';
import type { RecordedReceipt } from '../../src/evidence/index.js';
import { allCheckpoints } from '../../src/evidence/store/checkpoint-repository.js';
import { withConnection } from '../../src/evidence/store/sql.js';
import { RouteRegistry } from '../../src/identity/index.js';
import { buildOperation, type EvidenceHarness, startEvidence, waitForSize } from './support.js';

/** Splits an entry bundle (uint16 big-endian length prefixes, c2sp.org/tlog-tiles). */
function splitBundle(bundle: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let at = 0; at < bundle.length; ) {
    const len = bundle.readUInt16BE(at);
    out.push(bundle.subarray(at + 2, at + 2 + len));
    at += 2 + len;
  }
  return out;
}

describe('receipts log: append, integrate, prove', () => {
  let h: EvidenceHarness;
  const recorded: RecordedReceipt[] = [];
  const alice = randomUUID();
  const team = randomUUID();
  const TOTAL = 600;
  let vkey: string;

  before(async () => {
    h = await startEvidence();
    // Three rounds, so there are several checkpoints to check consistency between.
    for (const round of [250, 250, 100]) {
      const batch = await Promise.all(
        Array.from({ length: round }, (_, i) =>
          h.evidence.receipts.record(
            buildOperation(
              i % 3 === 0
                ? { subject: alice, team, model: 'codellama-34b', op: 'completions' }
                : { status: i % 7 === 0 ? 'error' : 'ok' },
            ),
          ),
        ),
      );
      recorded.push(...batch);
      await waitForSize(h.evidence, 'receipts', recorded.length);
    }
    vkey = ((await (await fetch(`${h.url}/api/v1/tecp/vkeys`)).json()) as { receipts: string }).receipts;
  });
  after(() => h.stop());

  test('record returns a signed receipt and a pending id once it is durable', () => {
    const first = recorded[0] as RecordedReceipt;
    assert.match(first.id, /^p[0-9]+$/);
    assert.equal(first.receipt.version, 'TECP-0.1');
    assert.deepEqual(first.receipt.policy_ids, ['audit_trail', 'no_model_training', 'no_retention']);
    assert.equal((first.receipt.ext as { log: string }).log, 'ai-la.example.com/ai-la/receipts');
    assert.match(String(first.receipt.code_ref), /^build:sha256:[0-9a-f]{64}$/);
  });

  test('indices are contiguous and every receipt is in the log exactly once', async () => {
    const rows = await h.db('log_entries').where({ log: 1 }).orderBy('idx').select('idx', 'leaf_id');
    assert.equal(rows.length, TOTAL);
    for (const [i, r] of (rows as Array<{ idx: string }>).entries()) assert.equal(Number(r.idx), i);
    const leaves = new Set(rows.map((r: { leaf_id: string }) => Number(r.leaf_id)));
    for (const r of recorded) assert.ok(leaves.has(r.leafId));
    assert.equal(Number((await h.db('log_queue').count('* as n').first())?.n), 0);
  });

  test('inclusion proofs verify against the signed checkpoint (text and JSON)', async () => {
    const verifier = parseVerifierKey(vkey);
    for (const r of recorded.filter((_, i) => i % 37 === 0)) {
      const detail = (await (await fetch(`${h.url}/api/v1/receipts/${r.id}`)).json()) as {
        index: number;
        receipt: Receipt;
        proof: string;
        state: string;
      };
      assert.equal(detail.state, 'integrated');
      assert.deepEqual(detail.receipt, r.receipt);
      const data = receiptLeafData(detail.receipt);
      const text = await (
        await fetch(`${h.url}/api/v1/tecp/proof?log=receipts&index=${detail.index}`)
      ).text();
      const verified = verifyTlogProof(text, data, [verifier], 'ai-la.example.com/ai-la/receipts');
      assert.equal(verified.index, detail.index);
      assert.equal(verifyTlogProof(detail.proof, data, [verifier]).index, detail.index);
      const json = (await (
        await fetch(`${h.url}/api/v1/tecp/proof?log=receipts&index=${detail.index}`, {
          headers: { accept: 'application/json' },
        })
      ).json()) as { index: number; size: number; hashes: string[]; checkpoint: string };
      assert.equal(json.size, TOTAL);
      assert.ok(json.checkpoint.startsWith('ai-la.example.com/ai-la/receipts\n600\n'));
    }
  });

  test('tiles and entry bundles match hashes recomputed from the leaves', async () => {
    const note = await (await fetch(`${h.url}/log/receipts/checkpoint`)).text();
    const { checkpoint } = openCheckpoint(note, [parseVerifierKey(vkey)]);
    assert.equal(checkpoint.size, TOTAL);
    const get = async (path: string) => {
      const res = await fetch(`${h.url}/log/receipts/${path}`);
      assert.equal(res.status, 200, path);
      assert.equal(res.headers.get('content-type'), 'application/octet-stream');
      return Buffer.from(await res.arrayBuffer());
    };
    const leaves = [
      ...splitBundle(await get('tile/entries/000')),
      ...splitBundle(await get('tile/entries/001')),
      ...splitBundle(await get('tile/entries/002.p/88')),
    ];
    assert.equal(leaves.length, TOTAL);
    const hashes = leaves.map(leafHash);
    assert.ok(rootOf(hashes).equals(checkpoint.rootHash));
    assert.ok((await get('tile/0/000')).equals(Buffer.concat(hashes.slice(0, 256))));
    assert.ok((await get('tile/0/002.p/88')).equals(Buffer.concat(hashes.slice(512))));
    assert.ok((await get('tile/0/002.p/10')).equals(Buffer.concat(hashes.slice(512, 522))));
    const level1 = await get('tile/1/000.p/2');
    assert.equal(level1.length, 2 * HASH_SIZE);
    assert.ok(level1.subarray(0, 32).equals(rangeRootOf(hashes, 0, 256)));
    assert.ok(level1.subarray(32).equals(rangeRootOf(hashes, 256, 512)));
    assert.ok(nodeHash(level1.subarray(0, 32), level1.subarray(32)).equals(rangeRootOf(hashes, 0, 512)));
    for (const missing of [
      'tile/0/003',
      'tile/0/002',
      'tile/0/002.p/89',
      'tile/1/000',
      'tile/0/x000/000',
      'tile/0/2',
      'tile/entries/002.p/89',
    ]) {
      assert.equal((await fetch(`${h.url}/log/receipts/${missing}`)).status, 404, missing);
    }
    assert.equal((await fetch(`${h.url}/log/other/checkpoint`)).status, 404);
  });

  test('consistency proofs between successive checkpoints verify', async () => {
    const verifier = parseVerifierKey(vkey);
    const notes = await withConnection(h.db, (c) => allCheckpoints(c, 1));
    assert.ok(notes.length >= 3);
    const opened = notes.map((n) => openCheckpoint(n.note, [verifier]).checkpoint);
    for (let i = 1; i < opened.length; i++) {
      const older = opened[i - 1];
      const newer = opened[i];
      assert.ok(older && newer && older.size <= newer.size);
      const res = await fetch(
        `${h.url}/api/v1/tecp/consistency?log=receipts&old=${older.size}&size=${newer.size}`,
      );
      assert.equal(res.status, 200);
      checkConsistencyText(await res.text(), older, newer);
    }
    const bad = await fetch(`${h.url}/api/v1/tecp/consistency?log=receipts&old=${TOTAL + 1}`);
    assert.equal(bad.status, 400);
    assert.equal((await fetch(`${h.url}/api/v1/tecp/consistency?log=receipts&old=1&size=3`)).status, 404);
  });

  test('keys are published: JWKS with the receipt key, verifier keys that parse', async () => {
    const jwks = (await (await fetch(`${h.url}/.well-known/tecp-jwks`)).json()) as {
      keys: Array<Record<string, unknown>>;
    };
    const kid = (recorded[0]?.receipt.ext as { kid: string }).kid;
    const key = jwks.keys.find((k) => k.kid === kid);
    assert.ok(key);
    assert.equal(key.x, recorded[0]?.receipt.pubkey);
    assert.deepEqual(Object.keys(key).sort(), ['crv', 'kid', 'kty', 'nbf', 'use', 'x']);
    const vkeys = (await (await fetch(`${h.url}/api/v1/tecp/vkeys`)).json()) as Record<string, string>;
    assert.equal(parseVerifierKey(vkeys.audit as string).name, 'ai-la.example.com/ai-la/audit');
  });

  test('POST /api/v1/tecp/verify checks signature, key, log, proof and checkpoint', async () => {
    const verify = async (receipt: unknown) =>
      (await (
        await fetch(`${h.url}/api/v1/tecp/verify`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ receipt }),
        })
      ).json()) as { valid: boolean; checks: Record<string, boolean>; errors: Array<{ code: string }> };
    const good = await verify(recorded[5]?.receipt);
    assert.equal(good.valid, true, JSON.stringify(good));
    assert.ok(Object.values(good.checks).every(Boolean));
    const tampered = await verify({ ...recorded[5]?.receipt, ts: Number(recorded[5]?.receipt.ts) + 1 });
    assert.equal(tampered.valid, false);
    assert.equal(tampered.checks.signature, false);
    assert.equal(tampered.checks.in_log, false);
    assert.ok(tampered.errors.some((e) => e.code === 'E-SIG-002'));
    assert.ok(tampered.errors.some((e) => e.code === 'E-LOG-001'));
    const broken = await verify({ version: 'TECP-9' });
    assert.equal(broken.checks.schema, false);
    assert.ok(broken.errors.some((e) => e.code === 'E-SCHEMA-004'));
  });

  test('receipt search filters by user, model, op and status, paginates, and respects scope', async () => {
    type Page = {
      items: Array<{ subject: string; model: string; op: string; id: string }>;
      next_cursor: string | null;
    };
    const all: Page['items'] = [];
    let cursor: string | null = null;
    do {
      const qs: string = `user=${alice}&model=codellama-34b&limit=40${cursor ? `&cursor=${cursor}` : ''}`;
      const page = (await (await fetch(`${h.url}/api/v1/receipts?${qs}`)).json()) as Page;
      all.push(...page.items);
      cursor = page.next_cursor;
    } while (cursor !== null);
    assert.equal(
      all.length,
      recorded.filter((r) => (r.receipt.ext as { subject: string }).subject === alice).length,
    );
    assert.equal(new Set(all.map((i) => i.id)).size, all.length);
    assert.ok(all.every((i) => i.subject === alice && i.op === 'completions'));

    const own = JSON.stringify({ kind: 'own', userId: randomUUID() });
    const none = (await (
      await fetch(`${h.url}/api/v1/receipts`, { headers: { 'x-test-scope': own } })
    ).json()) as Page;
    assert.equal(none.items.length, 0);
    const asTeam = JSON.stringify({ kind: 'team', userId: randomUUID(), teamIds: [team] });
    const teamPage = (await (
      await fetch(`${h.url}/api/v1/receipts?limit=500`, { headers: { 'x-test-scope': asTeam } })
    ).json()) as Page;
    assert.equal(teamPage.items.length, all.length);
    const hidden = await fetch(`${h.url}/api/v1/receipts/${recorded[1]?.id}`, {
      headers: { 'x-test-scope': own },
    });
    assert.equal(hidden.status, 404);
    const errors = (await (await fetch(`${h.url}/api/v1/receipts?status=error&limit=500`)).json()) as Page;
    assert.ok(errors.items.length > 0);
    assert.equal((await fetch(`${h.url}/api/v1/receipts?from=yesterday`)).status, 400);
  });

  test("routes declare into identity's route registry with the access each requires", () => {
    const registry = new RouteRegistry();
    const r = registry.router();
    h.evidence.declarePublicRoutes(r);
    h.evidence.declareReceiptRoutes(r, () => ({ kind: 'all' }));
    h.evidence.declareAuditRoutes(r, () => ({ kind: 'all' }));
    const access = Object.fromEntries(registry.list().map((d) => [`${d.method} ${d.path}`, d.access]));
    assert.deepEqual(access, {
      'GET /log/:log/checkpoint': 'public',
      'GET /log/:log/tile/*path': 'public',
      'GET /api/v1/tecp/proof': 'public',
      'GET /api/v1/tecp/consistency': 'public',
      'GET /.well-known/tecp-jwks': 'public',
      'GET /api/v1/tecp/vkeys': 'public',
      'POST /api/v1/tecp/verify': 'public',
      'GET /api/v1/receipts': 'receipts:read',
      'GET /api/v1/receipts/:id': 'receipts:read',
      'GET /api/v1/audit/events': 'audit:read',
      'GET /api/v1/audit/events/:id': 'audit:read',
    });
  });

  test('metrics report log size and lag', async () => {
    const text = await h.registry.metrics();
    assert.match(text, /aila_evidence_log_size\{log="receipts"\} 600/);
    assert.match(text, /aila_evidence_sequencer_lag_seconds\{log="receipts"\} 0/);
    assert.match(text, /aila_evidence_sequencer_leader\{log="receipts"\} 1/);
    assert.match(text, /aila_signing_key_expiry_timestamp_seconds\{kid="[^"]+",purpose="receipts"\} \d+/);
    assert.match(text, /aila_evidence_integration_seconds_count\{log="receipts"\} 600/);
  });
});
