import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { verifyInclusion } from '../../src/evidence/core/index.js';
import { ProofService } from '../../src/evidence/proofs.js';
import { LogSequencer, type StoredCheckpoint } from '../../src/evidence/sequencer/log-sequencer.js';
import { withConnection } from '../../src/evidence/store/sql.js';
import { TileCache, TileStore } from '../../src/evidence/store/tile-store.js';
import { buildOperation, type EvidenceHarness, startEvidence } from './support.js';

/** Sizes of the checkpoints built: inside one tile, at and across tile boundaries, two tile levels. */
const SIZES = [1, 3, 255, 256, 300, 513, 700];

describe('inclusion proofs from cached subtrees, at every published size', () => {
  let h: EvidenceHarness;
  const checkpoints: StoredCheckpoint[] = [];
  let leaves: Buffer[] = [];

  before(async () => {
    h = await startEvidence({}, { start: false });
    const log = h.evidence.logs.receipts;
    const sequencer = new LogSequencer(
      log,
      h.evidence.tiles,
      () => ({ kid: h.evidence.keys.log.kid, signer: h.evidence.keys.log.signer }),
      1000,
    );
    let size = 0;
    for (const target of SIZES) {
      await Promise.all(
        Array.from({ length: target - size }, () => h.evidence.receipts.record(buildOperation())),
      );
      const done = await withConnection(h.db, (c) => sequencer.integrate(c));
      assert.equal(done?.checkpoint.size, target);
      checkpoints.push(done.checkpoint);
      h.evidence.proofs.published(log, done.checkpoint);
      size = target;
    }
    const { rows } = await withConnection(h.db, (c) =>
      c.query<{ hash: Buffer }>(
        `select sha256('\\x00'::bytea || l.data) as hash from log_entries e join log_leaves l on l.id = e.leaf_id
          where e.log = $1 order by e.idx`,
        [log.id],
      ),
    );
    leaves = rows.map((r) => r.hash);
  });
  after(() => h.stop());

  /** Every index of every size (in the given order of sizes) proves against that size's checkpoint. */
  async function proveAll(proofs: ProofService, order: readonly StoredCheckpoint[]): Promise<void> {
    const log = h.evidence.logs.receipts;
    for (const checkpoint of order) {
      for (let index = 0; index < checkpoint.size; index++) {
        const proof = await proofs.inclusion(log, index, checkpoint.size);
        assert.equal(proof.checkpoint.size, checkpoint.size);
        assert.ok(proof.checkpoint.root.equals(checkpoint.root));
        assert.ok(
          verifyInclusion(index, checkpoint.size, leaves[index] as Buffer, proof.hashes, checkpoint.root),
          `index ${index} of size ${checkpoint.size}`,
        );
      }
    }
  }

  test('warm cache: newest size first, then the older ones, then again', async () => {
    const newestFirst = [...checkpoints].reverse();
    await proveAll(h.evidence.proofs, newestFirst);
    await proveAll(h.evidence.proofs, checkpoints);
    await proveAll(h.evidence.proofs, newestFirst);
  });

  test('a cache too small for the tree: evicted tiles are read again, proofs stay right', async () => {
    const proofs = new ProofService(h.db, new TileStore(h.db, new TileCache(2)), 250);
    await proveAll(proofs, checkpoints);
    await proveAll(proofs, [...checkpoints].reverse());
  });

  test('a tile cached narrow (at an old size) is widened when a newer size needs more of it', async () => {
    const proofs = new ProofService(h.db, new TileStore(h.db, new TileCache(64)), 250);
    await proveAll(proofs, checkpoints.slice(0, 3));
    await proveAll(proofs, checkpoints.slice(3));
  });

  test('no proof for a size without a signed checkpoint, nor for an index beyond the size', async () => {
    const log = h.evidence.logs.receipts;
    await assert.rejects(async () => h.evidence.proofs.inclusion(log, 0, 2), { code: 'NOT_FOUND' });
    await assert.rejects(async () => h.evidence.proofs.inclusion(log, 3, 3), { code: 'NOT_FOUND' });
    await assert.rejects(async () => h.evidence.proofs.inclusion(log, 700), { code: 'NOT_FOUND' });
  });
});
