import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  inclusionProofOf,
  leafHash,
  leavesLookup,
  rootOf,
  type SubtreeId,
  verifyInclusion,
} from './core/index.js';
import { InclusionPaths, type SubtreeSource } from './proof-path.js';

const leaves = (n: number) => Array.from({ length: n }, (_, i) => leafHash(Buffer.from(`entry ${i}`)));

/** A source over in-memory leaves whose cache holds only the subtrees loaded so far (or all of them). */
function source(all: Buffer[], warm: boolean): SubtreeSource & { loads: SubtreeId[][] } {
  const lookup = leavesLookup(all);
  const held = new Set<string>();
  const loads: SubtreeId[][] = [];
  return {
    loads,
    cached: (level, index) => (warm || held.has(`${level}/${index}`) ? lookup({ level, index }) : undefined),
    load: async (ids) => {
      loads.push(ids);
      for (const id of ids) held.add(`${id.level}/${id.index}`);
      return lookup;
    },
  };
}

describe('inclusion paths with a remembered right edge', () => {
  test('equal core PATH for every index of many sizes, old and new sizes interleaved', async () => {
    const all = leaves(300);
    for (const warm of [true, false]) {
      const paths = new InclusionPaths();
      const from = source(all, warm);
      for (const size of [1, 2, 3, 5, 8, 13, 64, 100, 255, 256, 257, 300, 7, 299, 300, 13]) {
        const tree = all.slice(0, size);
        for (let index = 0; index < size; index++) {
          const proof = await paths.prove(1, index, size, from);
          assert.deepEqual(proof, inclusionProofOf(index, tree), `index ${index} of ${size}`);
          assert.ok(verifyInclusion(index, size, all[index] as Buffer, proof, rootOf(tree)));
        }
      }
    }
  });

  test('answers synchronously from memory, and reads only what it does not hold', async () => {
    const all = leaves(1000);
    const paths = new InclusionPaths();
    const warm = paths.prove(7, 3, 1000, source(all, true));
    assert.ok(Array.isArray(warm), 'a proof from memory needs no promise');
    const cold = source(all, false);
    await paths.prove(7, 0, 1000, cold);
    assert.ok(Array.isArray(paths.prove(7, 0, 1000, cold)), 'what was read once is in memory');
    assert.equal(cold.loads.length, 1);
    await paths.prove(7, 999, 1000, cold);
    // The right edge of size 1000 is remembered: only complete subtrees are read again.
    const ids = cold.loads.at(-1) as SubtreeId[];
    assert.ok(ids.length <= 10);
  });
});
