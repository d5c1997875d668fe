import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { LogIntegrityError, LogSequencer } from '../../src/evidence/sequencer/log-sequencer.js';
import { withConnection } from '../../src/evidence/store/sql.js';
import { TileCache, TileStore } from '../../src/evidence/store/tile-store.js';
import { checkLog } from './log-check.js';
import { buildOperation, type EvidenceHarness, startEvidence } from './support.js';

describe('sequencer fence: two sequencers, one tree', () => {
  let h: EvidenceHarness;
  let a: LogSequencer;
  let b: LogSequencer;
  let vkey: string;

  const append = (n: number) =>
    Promise.all(Array.from({ length: n }, () => h.evidence.receipts.record(buildOperation())));
  const integrate = (s: LogSequencer) => withConnection(h.db, (c) => s.integrate(c));
  const sequencer = (batch: number) =>
    new LogSequencer(
      h.evidence.logs.receipts,
      new TileStore(h.db, new TileCache(64)),
      () => ({ kid: h.evidence.keys.log.kid, signer: h.evidence.keys.log.signer }),
      batch,
    );

  before(async () => {
    h = await startEvidence({}, { start: false });
    a = sequencer(100);
    b = sequencer(100);
    vkey = ((await (await fetch(`${h.url}/api/v1/tecp/vkeys`)).json()) as { receipts: string }).receipts;
  });
  after(() => h.stop());

  test('interleaved integrations reload a stale view instead of forking the tree', async () => {
    await append(10);
    assert.equal((await integrate(a))?.checkpoint.size, 10);
    await append(5);
    assert.equal((await integrate(b))?.checkpoint.size, 15);
    await append(3);
    assert.equal((await integrate(a))?.checkpoint.size, 18);
    assert.equal(await integrate(b), undefined);
    assert.equal(await checkLog(h.db, 'receipts', [vkey]), 18);
  });

  test('concurrent integrations serialize on the log row', async () => {
    await append(700);
    const drain = async (s: LogSequencer) => {
      while ((await integrate(s)) !== undefined);
    };
    await Promise.all([drain(a), drain(b), drain(a)]);
    assert.equal(await checkLog(h.db, 'receipts', [vkey]), 718);
  });

  test('a stored root or tile that disagrees with the tree stops the sequencer', async () => {
    await append(1);
    const fresh = sequencer(10);
    const row = (await h.db('evidence_logs').where({ id: 1 }).first()) as { root: Buffer };
    await h
      .db('evidence_logs')
      .where({ id: 1 })
      .update({ root: Buffer.alloc(32) });
    await assert.rejects(integrate(fresh), LogIntegrityError);
    await h.db('evidence_logs').where({ id: 1 }).update({ root: row.root });
    // The rightmost tile holds the frontier the sequencer extends.
    const tile = (await h.db('log_tiles').where({ log: 1, level: 0, idx: 2 }).first()) as { hashes: Buffer };
    const bad = Buffer.from(tile.hashes);
    bad[0] = (bad[0] as number) ^ 1;
    await h.db('log_tiles').where({ log: 1, level: 0, idx: 2 }).update({ hashes: bad });
    await assert.rejects(integrate(sequencer(10)), LogIntegrityError);
    await h.db('log_tiles').where({ log: 1, level: 0, idx: 2 }).update({ hashes: tile.hashes });
    assert.equal((await integrate(fresh))?.checkpoint.size, 719);
  });

  test('leaves, entries and checkpoints are append-only', async () => {
    await assert.rejects(h.db('log_entries').where({ log: 1, idx: 0 }).update({ leaf_id: 0 }), /append-only/);
    await assert.rejects(h.db('log_leaves').where({ log: 1 }).delete(), /append-only/);
    await assert.rejects(h.db('checkpoints').where({ log: 1 }).delete(), /append-only/);
  });
});
