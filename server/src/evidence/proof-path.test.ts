import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { inclusionProofOf, leafHash, leavesLookup, rootOf, verifyInclusion } from './core/index.js';
import { InclusionPaths } from './proof-path.js';

describe('inclusion paths with a remembered right edge', () => {
  test('equal core PATH for every index of many sizes, old and new sizes interleaved', async () => {
    const leaves = Array.from({ length: 300 }, (_, i) => leafHash(Buffer.from(`entry ${i}`)));
    const paths = new InclusionPaths();
    const lookup = leavesLookup(leaves);
    for (const size of [1, 2, 3, 5, 8, 13, 64, 100, 255, 256, 257, 300, 7, 299, 300]) {
      const tree = leaves.slice(0, size);
      for (let index = 0; index < size; index++) {
        const proof = await paths.prove(1, index, size, async () => lookup);
        assert.deepEqual(proof, inclusionProofOf(index, tree), `index ${index} of ${size}`);
        assert.ok(verifyInclusion(index, size, leaves[index] as Buffer, proof, rootOf(tree)));
      }
    }
  });

  test('asks only for the subtrees it does not remember', async () => {
    const leaves = Array.from({ length: 1000 }, (_, i) => leafHash(Buffer.from(`entry ${i}`)));
    const paths = new InclusionPaths();
    const lookup = leavesLookup(leaves);
    const asked: number[] = [];
    for (const index of [0, 1, 2, 3]) {
      await paths.prove(7, index, 1000, async (ids) => {
        asked.push(ids.length);
        return lookup;
      });
    }
    assert.ok((asked[3] as number) < (asked[0] as number));
  });
});
