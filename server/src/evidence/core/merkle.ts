/**
 * RFC 9162 §2.1 Merkle tree hashing and proof generation (same as RFC 6962).
 *
 * Trees are addressed by complete subtrees as in c2sp.org/tlog-tiles and Go's
 * golang.org/x/mod/sumdb/tlog: `{ level, index }` is the subtree of 2^level
 * leaves covering leaf indices [index * 2^level, (index + 1) * 2^level). A store
 * keeps the hash of every complete subtree; any MTH(D[lo:hi]) that a proof
 * needs is then a combination of a few stored hashes, so proofs never need the
 * leaves themselves.
 *
 * Sizes and indices are JS numbers limited to safe integers; all arithmetic
 * avoids 32-bit bitwise operators so trees above 2^31 leaves work.
 */
import { hash } from 'node:crypto';

/** Size of every tree hash (SHA-256). */
export const HASH_SIZE = 32;

/** RFC 9162 §2.1.1: MTH({}) = SHA-256() (the empty string). */
export const EMPTY_ROOT: Buffer = hash('sha256', Buffer.alloc(0), 'buffer');

/** A complete subtree of 2^level leaves starting at leaf index * 2^level. */
export interface SubtreeId {
  level: number;
  index: number;
}

/** Returns the hash of a complete subtree (synchronously). */
export type SubtreeLookup = (id: SubtreeId) => Buffer;

/**
 * Returns the stored hashes of the given complete subtrees, in the same order
 * (one batch, so a database can answer with a single query).
 */
export type SubtreeHashReader = (ids: readonly SubtreeId[]) => Promise<readonly Buffer[]> | readonly Buffer[];

/** RFC 9162 §2.1.1: leaf hash = SHA-256(0x00 || data). */
export function leafHash(data: Uint8Array): Buffer {
  // One-shot hashing of one buffer costs less than half of a Hash object with three updates.
  const input = Buffer.allocUnsafe(1 + data.length);
  input[0] = 0x00;
  input.set(data, 1);
  return hash('sha256', input, 'buffer');
}

/** RFC 9162 §2.1.1: node hash = SHA-256(0x01 || left || right). */
export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  const input = Buffer.allocUnsafe(1 + left.length + right.length);
  input[0] = 0x01;
  input.set(left, 1);
  input.set(right, 1 + left.length);
  return hash('sha256', input, 'buffer');
}

/** @throws RangeError unless `n` is a safe integer >= `min`. */
export function assertCount(n: number, name: string, min = 0): void {
  if (!Number.isSafeInteger(n) || n < min)
    throw new RangeError(`${name} must be an integer >= ${min}, got ${n}`);
}

/** The level of `n` if it is a power of two, else -1. */
function powerOfTwoLevel(n: number): number {
  let level = 0;
  let k = 1;
  while (k < n) {
    k *= 2;
    level++;
  }
  return k === n ? level : -1;
}

/** RFC 9162 §2.1.1: the largest power of two smaller than n, for n > 1. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/**
 * The complete subtrees whose hashes determine MTH(D[lo:hi]), left to right,
 * following the RFC 9162 §2.1.1 recursion. For the aligned ranges that proofs
 * use these are at most ~log2(hi - lo) subtrees.
 */
export function rangeSubtrees(lo: number, hi: number): SubtreeId[] {
  assertCount(lo, 'lo');
  assertCount(hi, 'hi', lo + 1);
  const out: SubtreeId[] = [];
  const walk = (a: number, b: number): void => {
    const n = b - a;
    const level = powerOfTwoLevel(n);
    if (level >= 0 && a % n === 0) {
      out.push({ level, index: a / n });
      return;
    }
    const k = splitPoint(n);
    walk(a, a + k);
    walk(a + k, b);
  };
  walk(lo, hi);
  return out;
}

/** MTH(D[lo:hi]) (RFC 9162 §2.1.1) from complete-subtree hashes; same recursion as `rangeSubtrees`. */
export function hashRange(lo: number, hi: number, lookup: SubtreeLookup): Buffer {
  assertCount(lo, 'lo');
  assertCount(hi, 'hi', lo + 1);
  const walk = (a: number, b: number): Buffer => {
    const n = b - a;
    const level = powerOfTwoLevel(n);
    if (level >= 0 && a % n === 0) return lookup({ level, index: a / n });
    const k = splitPoint(n);
    return nodeHash(walk(a, a + k), walk(a + k, b));
  };
  return walk(lo, hi);
}

/** A half-open leaf range [lo, hi) whose MTH is one proof element. */
export interface LeafRange {
  lo: number;
  hi: number;
}

/** RFC 9162 §2.1.3.1 PATH(m, D[n]) as leaf ranges, leaf's sibling first (0 <= index < size). */
export function pathRanges(index: number, size: number): LeafRange[] {
  const out: LeafRange[] = [];
  const walk = (lo: number, hi: number): void => {
    if (hi - lo <= 1) return;
    const k = splitPoint(hi - lo);
    if (index < lo + k) {
      walk(lo, lo + k);
      out.push({ lo: lo + k, hi });
    } else {
      walk(lo + k, hi);
      out.push({ lo, hi: lo + k });
    }
  };
  walk(0, size);
  return out;
}

/** RFC 9162 §2.1.4.1 PROOF(m, D[n]) = SUBPROOF(m, D[n], true) as leaf ranges. */
function consistencyRanges(m: number, n: number): LeafRange[] {
  const out: LeafRange[] = [];
  const subproof = (lo: number, hi: number, mm: number, b: boolean): void => {
    if (mm === hi - lo) {
      if (!b) out.push({ lo, hi });
      return;
    }
    const k = splitPoint(hi - lo);
    if (mm <= k) {
      subproof(lo, lo + k, mm, b);
      out.push({ lo: lo + k, hi });
    } else {
      subproof(lo + k, hi, mm - k, false);
      out.push({ lo, hi: lo + k });
    }
  };
  if (m > 0 && m < n) subproof(0, n, m, true);
  return out;
}

function checkInclusionArgs(index: number, size: number): void {
  assertCount(size, 'size', 1);
  assertCount(index, 'index');
  if (index >= size) throw new RangeError(`index ${index} is not below tree size ${size}`);
}

function checkConsistencyArgs(m: number, n: number): void {
  assertCount(n, 'new size');
  assertCount(m, 'old size');
  if (m > n) throw new RangeError(`old size ${m} exceeds new size ${n}`);
}

function subtreesOf(ranges: readonly LeafRange[]): SubtreeId[] {
  return ranges.flatMap((r) => rangeSubtrees(r.lo, r.hi));
}

/** The complete subtrees an inclusion proof for `index` in a tree of `size` reads. */
export function inclusionProofSubtrees(index: number, size: number): SubtreeId[] {
  checkInclusionArgs(index, size);
  return subtreesOf(pathRanges(index, size));
}

/** The complete subtrees a consistency proof from `m` to `n` reads. */
export function consistencyProofSubtrees(m: number, n: number): SubtreeId[] {
  checkConsistencyArgs(m, n);
  return subtreesOf(consistencyRanges(m, n));
}

/** RFC 9162 §2.1.3.1 PATH(index, D[size]) from a synchronous subtree lookup. */
export function inclusionProofWith(index: number, size: number, lookup: SubtreeLookup): Buffer[] {
  checkInclusionArgs(index, size);
  return pathRanges(index, size).map((r) => hashRange(r.lo, r.hi, lookup));
}

/** RFC 9162 §2.1.4.1 PROOF(m, D[n]); empty for m = 0 and m = n (EVIDENCE.md §2.2). */
export function consistencyProofWith(m: number, n: number, lookup: SubtreeLookup): Buffer[] {
  checkConsistencyArgs(m, n);
  return consistencyRanges(m, n).map((r) => hashRange(r.lo, r.hi, lookup));
}

/** Root of a tree of `size` leaves from a synchronous subtree lookup (EMPTY_ROOT for 0). */
export function treeRootWith(size: number, lookup: SubtreeLookup): Buffer {
  assertCount(size, 'size');
  return size === 0 ? EMPTY_ROOT : hashRange(0, size, lookup);
}

const key = (id: SubtreeId): string => `${id.level}/${id.index}`;

/** Reads `ids` in one batch and returns a lookup over exactly those hashes. */
export async function prefetch(ids: readonly SubtreeId[], read: SubtreeHashReader): Promise<SubtreeLookup> {
  const unique = [...new Map(ids.map((id) => [key(id), id])).values()];
  const hashes = unique.length === 0 ? [] : await read(unique);
  if (hashes.length !== unique.length) {
    throw new Error(`subtree reader returned ${hashes.length} hashes for ${unique.length} ids`);
  }
  const map = new Map<string, Buffer>();
  unique.forEach((id, i) => {
    const hash = hashes[i];
    if (hash === undefined || hash.length !== HASH_SIZE)
      throw new Error(`bad stored hash for subtree ${key(id)}`);
    map.set(key(id), hash);
  });
  return (id) => {
    const hash = map.get(key(id));
    if (hash === undefined) throw new Error(`subtree ${key(id)} was not prefetched`);
    return hash;
  };
}

/** RFC 9162 §2.1.3.1 PATH(index, D[size]) from stored subtree hashes (one batch read). */
export async function inclusionProof(
  index: number,
  size: number,
  read: SubtreeHashReader,
): Promise<Buffer[]> {
  const lookup = await prefetch(inclusionProofSubtrees(index, size), read);
  return inclusionProofWith(index, size, lookup);
}

/** RFC 9162 §2.1.4.1 PROOF(m, D[n]) from stored subtree hashes (one batch read). */
export async function consistencyProof(m: number, n: number, read: SubtreeHashReader): Promise<Buffer[]> {
  const lookup = await prefetch(consistencyProofSubtrees(m, n), read);
  return consistencyProofWith(m, n, lookup);
}

/** Root hash of the tree of `size` leaves from stored subtree hashes (one batch read). */
export async function treeRoot(size: number, read: SubtreeHashReader): Promise<Buffer> {
  assertCount(size, 'size');
  if (size === 0) return EMPTY_ROOT;
  return treeRootWith(size, await prefetch(rangeSubtrees(0, size), read));
}

/** Adapts a one-at-a-time getter (e.g. a cache) to a `SubtreeHashReader`. */
export function readerFromGetter(
  get: (level: number, index: number) => Promise<Buffer> | Buffer,
): SubtreeHashReader {
  return (ids) => Promise.all(ids.map((id) => get(id.level, id.index)));
}

/**
 * A lookup over in-memory leaf hashes; each subtree hash is computed from its
 * leaves and memoized. Suited to tests and small trees.
 */
export function leavesLookup(leafHashes: readonly Buffer[]): SubtreeLookup {
  const memo = new Map<string, Buffer>();
  const get = (id: SubtreeId): Buffer => {
    const k = key(id);
    const cached = memo.get(k);
    if (cached !== undefined) return cached;
    let hash: Buffer;
    if (id.level === 0) {
      const leaf = leafHashes[id.index];
      if (leaf === undefined) throw new RangeError(`leaf ${id.index} is out of range`);
      hash = leaf;
    } else {
      const child = id.level - 1;
      hash = nodeHash(
        get({ level: child, index: id.index * 2 }),
        get({ level: child, index: id.index * 2 + 1 }),
      );
    }
    memo.set(k, hash);
    return hash;
  };
  return get;
}

/** MTH over in-memory leaf hashes (RFC 9162 §2.1.1); EMPTY_ROOT for none. */
export function rootOf(leafHashes: readonly Buffer[]): Buffer {
  return treeRootWith(leafHashes.length, leavesLookup(leafHashes));
}

/** MTH(D[lo:hi]) over in-memory leaf hashes. */
export function rangeRootOf(leafHashes: readonly Buffer[], lo: number, hi: number): Buffer {
  if (hi > leafHashes.length) throw new RangeError(`range end ${hi} exceeds ${leafHashes.length} leaves`);
  return hashRange(lo, hi, leavesLookup(leafHashes));
}

/** PATH(index, D[n]) over in-memory leaf hashes. */
export function inclusionProofOf(index: number, leafHashes: readonly Buffer[]): Buffer[] {
  return inclusionProofWith(index, leafHashes.length, leavesLookup(leafHashes));
}

/** PROOF(m, D[n]) over in-memory leaf hashes, n = leafHashes.length. */
export function consistencyProofOf(m: number, leafHashes: readonly Buffer[]): Buffer[] {
  return consistencyProofWith(m, leafHashes.length, leavesLookup(leafHashes));
}
