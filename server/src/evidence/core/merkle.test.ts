import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import { CompactTree, type StoredHash } from './compact-tree.js';
import {
  consistencyProof,
  consistencyProofOf,
  consistencyProofWith,
  EMPTY_ROOT,
  inclusionProof,
  inclusionProofOf,
  inclusionProofSubtrees,
  inclusionProofWith,
  leafHash,
  nodeHash,
  rangeRootOf,
  readerFromGetter,
  rootOf,
  type SubtreeHashReader,
  type SubtreeLookup,
  treeRoot,
  treeRootWith,
} from './merkle.js';
import { verifyConsistency, verifyInclusion } from './merkle-verify.js';

// Literal transcription of RFC 9162 §2.1 over arrays, as an independent oracle.
function splitK(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}
function naiveMth(d: Buffer[]): Buffer {
  if (d.length === 0) return createHash('sha256').digest();
  if (d.length === 1) return d[0] as Buffer;
  const k = splitK(d.length);
  return nodeHash(naiveMth(d.slice(0, k)), naiveMth(d.slice(k)));
}
function naivePath(m: number, d: Buffer[]): Buffer[] {
  if (d.length <= 1) return [];
  const k = splitK(d.length);
  return m < k
    ? [...naivePath(m, d.slice(0, k)), naiveMth(d.slice(k))]
    : [...naivePath(m - k, d.slice(k)), naiveMth(d.slice(0, k))];
}
function naiveSubproof(m: number, d: Buffer[], b: boolean): Buffer[] {
  if (m === d.length) return b ? [] : [naiveMth(d)];
  const k = splitK(d.length);
  return m <= k
    ? [...naiveSubproof(m, d.slice(0, k), b), naiveMth(d.slice(k))]
    : [...naiveSubproof(m - k, d.slice(k), false), naiveMth(d.slice(0, k))];
}
function naiveProof(m: number, d: Buffer[]): Buffer[] {
  return m === 0 || m === d.length ? [] : naiveSubproof(m, d, true);
}

const MAX = 70;
const leaves = Array.from({ length: MAX }, (_, i) => leafHash(Buffer.from(`leaf ${i}`)));

function flipped(h: Buffer): Buffer {
  const c = Buffer.from(h);
  c[5] = (c[5] ?? 0) ^ 0x40;
  return c;
}

describe('Merkle tree (RFC 9162 §2.1)', () => {
  test('hashing primitives and empty tree', () => {
    assert.equal(
      EMPTY_ROOT.toString('hex'),
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
    assert.deepEqual(rootOf([]), EMPTY_ROOT);
    assert.deepEqual(
      leafHash(Buffer.alloc(0)),
      createHash('sha256')
        .update(Buffer.from([0]))
        .digest(),
    );
    const a = leafHash(Buffer.from('a'));
    const b = leafHash(Buffer.from('b'));
    assert.deepEqual(
      nodeHash(a, b),
      createHash('sha256')
        .update(Buffer.from([1]))
        .update(a)
        .update(b)
        .digest(),
    );
    assert.deepEqual(rootOf([a]), a);
  });

  test('RFC 6962 reference roots (certificate-transparency test data)', () => {
    const data = [
      '',
      '00',
      '10',
      '2021',
      '3031',
      '40414243',
      '5051525354555657',
      '606162636465666768696a6b6c6d6e6f',
    ];
    const roots = [
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
      'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
      'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
      '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
      '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
      'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
      '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
    ];
    const hashes = data.map((h) => leafHash(Buffer.from(h, 'hex')));
    roots.forEach((root, i) => {
      assert.equal(rootOf(hashes.slice(0, i + 1)).toString('hex'), root, `size ${i + 1}`);
    });
  });

  test('roots, ranges, inclusion and consistency proofs match the naive RFC recursion for sizes 1..70', () => {
    for (let n = 1; n <= MAX; n++) {
      const d = leaves.slice(0, n);
      const root = naiveMth(d);
      assert.deepEqual(rootOf(d), root, `root ${n}`);
      for (let lo = 0; lo < n; lo += 3)
        assert.deepEqual(rangeRootOf(d, lo, n), naiveMth(d.slice(lo)), `range ${lo}:${n}`);
      for (let m = 0; m < n; m++) {
        const proof = inclusionProofOf(m, d);
        assert.deepEqual(proof, naivePath(m, d), `PATH(${m}, D[${n}])`);
        assert.equal(verifyInclusion(m, n, d[m] as Buffer, proof, root), true, `verify PATH(${m}, D[${n}])`);
      }
      for (let m = 0; m <= n; m++) {
        const proof = consistencyProofOf(m, d);
        assert.deepEqual(proof, naiveProof(m, d), `PROOF(${m}, D[${n}])`);
        assert.equal(
          verifyConsistency(m, n, naiveMth(d.slice(0, m)), root, proof),
          true,
          `verify PROOF(${m}, D[${n}])`,
        );
      }
    }
  });

  test('inclusion verification rejects every kind of wrong input', () => {
    for (const n of [1, 2, 3, 7, 8, 13, 64, 70]) {
      const d = leaves.slice(0, n);
      const root = rootOf(d);
      for (const m of [0, Math.floor(n / 2), n - 1]) {
        const leaf = d[m] as Buffer;
        const proof = inclusionProofOf(m, d);
        assert.equal(verifyInclusion(m, n, leaf, proof, flipped(root)), false);
        assert.equal(verifyInclusion(m, n, flipped(leaf), proof, root), false);
        assert.equal(verifyInclusion(m, n, leaf, [...proof, leaf], root), false);
        assert.equal(verifyInclusion(m, n, leaf, [leaf, ...proof], root), false);
        assert.equal(verifyInclusion(n, n, leaf, proof, root), false);
        proof.forEach((_, i) => {
          const bad = proof.map((p, j) => (j === i ? flipped(p) : p));
          assert.equal(verifyInclusion(m, n, leaf, bad, root), false);
        });
        if (proof.length > 0) assert.equal(verifyInclusion(m, n, leaf, proof.slice(1), root), false);
        if (m > 0) assert.equal(verifyInclusion(m - 1, n, leaf, proof, root), false);
      }
    }
    assert.equal(verifyInclusion(-1, 1, leaves[0] as Buffer, [], leaves[0] as Buffer), false);
    assert.equal(verifyInclusion(0, 1, Buffer.alloc(31), [], Buffer.alloc(31)), false);
    assert.throws(() => inclusionProofOf(3, leaves.slice(0, 3)), RangeError);
    assert.throws(() => inclusionProofOf(0, []), RangeError);
  });

  test('consistency verification rejects every kind of wrong input, including M = 0 and M = N', () => {
    for (const n of [1, 2, 3, 4, 7, 8, 9, 31, 70]) {
      const d = leaves.slice(0, n);
      const root = rootOf(d);
      for (let m = 0; m <= n; m++) {
        const oldRoot = rootOf(d.slice(0, m));
        const proof = consistencyProofOf(m, d);
        assert.equal(verifyConsistency(m, n, flipped(oldRoot), root, proof), false, `old root ${m}/${n}`);
        // Every tree is consistent with the empty tree, whatever its root.
        if (m > 0)
          assert.equal(verifyConsistency(m, n, oldRoot, flipped(root), proof), false, `new root ${m}/${n}`);
        assert.equal(verifyConsistency(m, n, oldRoot, root, [...proof, root]), false, `extra ${m}/${n}`);
        proof.forEach((_, i) => {
          const bad = proof.map((p, j) => (j === i ? flipped(p) : p));
          assert.equal(verifyConsistency(m, n, oldRoot, root, bad), false, `flip ${i} ${m}/${n}`);
        });
        if (proof.length > 0) assert.equal(verifyConsistency(m, n, oldRoot, root, proof.slice(0, -1)), false);
      }
      assert.equal(verifyConsistency(n + 1, n, root, root, []), false);
    }
    assert.equal(verifyConsistency(0, 5, EMPTY_ROOT, rootOf(leaves.slice(0, 5)), []), true);
    assert.equal(verifyConsistency(0, 0, EMPTY_ROOT, EMPTY_ROOT, []), true);
    assert.equal(verifyConsistency(0, 5, leaves[0] as Buffer, rootOf(leaves.slice(0, 5)), []), false);
    assert.equal(verifyConsistency(5, 5, rootOf(leaves.slice(0, 5)), rootOf(leaves.slice(0, 5)), []), true);
    assert.deepEqual(consistencyProofOf(0, leaves.slice(0, 5)), []);
    assert.deepEqual(consistencyProofOf(5, leaves.slice(0, 5)), []);
    assert.throws(() => consistencyProofOf(6, leaves.slice(0, 5)), RangeError);
  });

  test('proofs from stored complete-subtree hashes (one batch read per proof)', async () => {
    const tree = new CompactTree();
    const store = new Map<string, Buffer>();
    let reads = 0;
    const read: SubtreeHashReader = async (ids) => {
      reads++;
      return ids.map((id) => {
        const h = store.get(`${id.level}/${id.index}`);
        assert.ok(h, `only complete, stored subtrees are read (${id.level}/${id.index})`);
        return h;
      });
    };
    const persist = (created: StoredHash[]): void => {
      for (const s of created) store.set(`${s.level}/${s.index}`, s.hash);
    };
    for (let n = 1; n <= MAX; n++) {
      persist(tree.append(leaves[n - 1] as Buffer));
      const d = leaves.slice(0, n);
      assert.deepEqual(tree.root(), naiveMth(d), `compact root ${n}`);
      assert.deepEqual(await treeRoot(n, read), naiveMth(d));
      for (const m of [0, n >> 1, n - 1]) {
        reads = 0;
        assert.deepEqual(await inclusionProof(m, n, read), naivePath(m, d));
        assert.equal(reads, n === 1 ? 0 : 1, 'one batch read');
      }
      for (const m of [0, 1, n >> 1, n]) {
        if (m > n) continue;
        assert.deepEqual(await consistencyProof(m, n, read), naiveProof(m, d));
      }
      const reloaded = await CompactTree.load(n, read);
      assert.deepEqual(reloaded.root(), tree.root());
      assert.deepEqual(reloaded.frontier(), tree.frontier());
    }
    // Complete subtrees of 70 leaves: 70 + 35 + 17 + 8 + 4 + 2 + 1.
    assert.equal(store.size, 137);
    const getter = readerFromGetter(async (level, index) => store.get(`${level}/${index}`) as Buffer);
    assert.deepEqual(await inclusionProof(5, MAX, getter), naivePath(5, leaves));
  });

  test('CompactTree.append returns the subtrees each leaf completes', () => {
    const tree = new CompactTree();
    const ids = (created: StoredHash[]): string[] => created.map((s) => `${s.level}/${s.index}`);
    assert.deepEqual(ids(tree.append(leaves[0] as Buffer)), ['0/0']);
    assert.deepEqual(ids(tree.append(leaves[1] as Buffer)), ['0/1', '1/0']);
    assert.deepEqual(ids(tree.append(leaves[2] as Buffer)), ['0/2']);
    assert.deepEqual(ids(tree.append(leaves[3] as Buffer)), ['0/3', '1/1', '2/0']);
    assert.deepEqual(ids(tree.appendData(Buffer.from('x'))), ['0/4']);
    assert.equal(tree.size, 5);
    assert.deepEqual(CompactTree.frontierIds(6), [
      { level: 2, index: 0 },
      { level: 1, index: 2 },
    ]);
    assert.deepEqual(new CompactTree().root(), EMPTY_ROOT);
    assert.throws(() => new CompactTree(3, [leaves[0] as Buffer]), RangeError);
  });

  test('large trees: generation and verification agree beyond 32-bit sizes', () => {
    // A tree whose leaves are all equal has one hash per level, so any size can be simulated.
    const levelHash: Buffer[] = [leafHash(Buffer.from('same'))];
    for (let l = 1; l <= 53; l++)
      levelHash.push(nodeHash(levelHash[l - 1] as Buffer, levelHash[l - 1] as Buffer));
    const lookup: SubtreeLookup = (id) => levelHash[id.level] as Buffer;
    const leaf = levelHash[0] as Buffer;
    const sizes = [2 ** 32 + 1, 2 ** 40 + 12345, 2 ** 52 + 7];
    for (const size of sizes) {
      const root = treeRootWith(size, lookup);
      for (const index of [0, 2 ** 31, 2 ** 32, size - 1]) {
        const proof = inclusionProofWith(index, size, lookup);
        assert.equal(verifyInclusion(index, size, leaf, proof, root), true, `${index}/${size}`);
        assert.equal(
          inclusionProofSubtrees(index, size).length >= proof.length,
          true,
          'subtrees cover the proof',
        );
      }
      for (const m of [1, 2 ** 31 + 3, 2 ** 32, size - 1]) {
        const proof = consistencyProofWith(m, size, lookup);
        assert.equal(verifyConsistency(m, size, treeRootWith(m, lookup), root, proof), true, `${m}->${size}`);
      }
    }
  });
});
