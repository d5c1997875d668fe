/**
 * Independent checks of a whole log straight from the database, for the crash and concurrency tests:
 * contiguous indices, the tree recomputed from the leaf data, every stored tile and every published
 * checkpoint against that recomputation.
 */
import assert from 'node:assert/strict';
import type { Knex } from 'knex';
import {
  HASH_SIZE,
  leafHash,
  openCheckpoint,
  parseVerifierKey,
  rangeRootOf,
  rootOf,
} from '../../src/evidence/core/index.js';
import { LOG_IDS, type LogName } from '../../src/evidence/logs.js';

/** The leaf data of a log in index order, after checking the indices are 0..n-1 with no gap. */
export async function leavesInOrder(db: Knex, log: LogName): Promise<Buffer[]> {
  const rows = (await db('log_entries as e')
    .join('log_leaves as l', 'l.id', 'e.leaf_id')
    .where('e.log', LOG_IDS[log])
    .orderBy('e.idx')
    .select('e.idx', 'l.data')) as Array<{ idx: string; data: Buffer }>;
  for (const [i, r] of rows.entries()) assert.equal(Number(r.idx), i, `${log}: index ${i} is missing`);
  return rows.map((r) => r.data);
}

/**
 * Checks the stored state of `log` against its leaves: size and root, every tile, and every
 * checkpoint (signature by one of `vkeys`, root of the prefix it names, never shrinking).
 */
export async function checkLog(
  db: Knex,
  log: LogName,
  vkeys: readonly string[],
  published: readonly string[] = [],
): Promise<number> {
  const leaves = await leavesInOrder(db, log);
  const hashes = leaves.map(leafHash);
  const state = (await db('evidence_logs').where({ id: LOG_IDS[log] }).first()) as {
    size: string;
    root: Buffer;
  };
  assert.equal(Number(state.size), hashes.length);
  assert.ok(state.root.equals(rootOf(hashes)), `${log}: stored root differs from the recomputed tree`);

  const tiles = (await db('log_tiles').where({ log: LOG_IDS[log] })) as Array<{
    level: number;
    idx: string;
    hashes: Buffer;
  }>;
  for (const t of tiles) {
    const span = 256 ** t.level;
    const first = Number(t.idx) * 256;
    const width = t.hashes.length / HASH_SIZE;
    for (let i = 0; i < width; i++) {
      const lo = (first + i) * span;
      const expected = rangeRootOf(hashes, lo, lo + span);
      assert.ok(
        t.hashes.subarray(i * HASH_SIZE, (i + 1) * HASH_SIZE).equals(expected),
        `${log}: tile ${t.level}/${t.idx} hash ${i}`,
      );
    }
  }

  const verifiers = vkeys.map(parseVerifierKey);
  const stored = (await db('checkpoints')
    .where({ log: LOG_IDS[log] })
    .orderBy('id')
    .select('note')) as Array<{ note: string }>;
  let previous = 0;
  for (const note of [...stored.map((s) => s.note), ...published]) {
    const { checkpoint } = openCheckpoint(note, verifiers);
    assert.ok(checkpoint.size <= hashes.length);
    const root = checkpoint.size === 0 ? rootOf([]) : rangeRootOf(hashes, 0, checkpoint.size);
    assert.ok(
      checkpoint.rootHash.equals(root),
      `${log}: checkpoint of size ${checkpoint.size} is not a prefix of the tree`,
    );
  }
  for (const { note } of stored) {
    const size = openCheckpoint(note, verifiers).checkpoint.size;
    assert.ok(size >= previous, `${log}: checkpoints went from ${previous} back to ${size}`);
    previous = size;
  }
  return hashes.length;
}
