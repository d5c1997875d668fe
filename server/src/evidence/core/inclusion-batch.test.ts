import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import { InclusionBatchVerifier } from './inclusion-batch.js';
import { inclusionProofOf, leafHash, rootOf } from './merkle.js';
import { verifyInclusion } from './merkle-verify.js';

const leaves = (n: number) => Array.from({ length: n }, (_, i) => leafHash(Buffer.from(`leaf ${i}`)));

describe('InclusionBatchVerifier', () => {
  test('accepts exactly what the single-proof verifier accepts, for every size and index', () => {
    for (const n of [1, 2, 3, 5, 8, 13, 31, 64, 100]) {
      const hashes = leaves(n);
      const root = rootOf(hashes);
      const batch = new InclusionBatchVerifier(n, root);
      for (let i = 0; i < n; i++) {
        const proof = inclusionProofOf(i, hashes);
        assert.equal(batch.verify(i, hashes[i] as Buffer, proof), true, `n=${n} i=${i}`);
        // A wrong leaf, a wrong index or a changed proof hash fails, after a verified predecessor too.
        const other = hashes[(i + 1) % n] as Buffer;
        assert.equal(
          batch.verify(i, other, proof),
          n === 1 ? true : verifyInclusion(i, n, other, proof, root),
        );
        if (proof.length > 0) {
          const changed = proof.map((h) => Buffer.from(h));
          const last = changed.at(-1) as Buffer;
          last.writeUInt8(last.readUInt8(0) ^ 1, 0);
          assert.equal(batch.verify(i, hashes[i] as Buffer, changed), false, `n=${n} i=${i} last hash`);
        }
      }
    }
  });

  test('a filtered, ascending selection verifies, and a wrong root refuses every proof', () => {
    const hashes = leaves(1000);
    const root = rootOf(hashes);
    const batch = new InclusionBatchVerifier(1000, root);
    const wrong = new InclusionBatchVerifier(1000, createHash('sha256').update('x').digest());
    for (let i = 3; i < 1000; i += 7) {
      const proof = inclusionProofOf(i, hashes);
      assert.equal(batch.verify(i, hashes[i] as Buffer, proof), true);
      assert.equal(wrong.verify(i, hashes[i] as Buffer, proof), false);
    }
    assert.equal(batch.verify(1000, hashes[0] as Buffer, []), false);
  });
});
