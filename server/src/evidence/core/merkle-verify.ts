/**
 * RFC 9162 §2.1.3.2 inclusion and §2.1.4.2 consistency proof verification.
 *
 * The algorithms are transcribed step by step; `fn`/`sn` shifts use division
 * instead of `>>` so that sizes above 2^31 are handled.
 */
import { EMPTY_ROOT, HASH_SIZE, nodeHash } from './merkle.js';

const isOdd = (x: number): boolean => x % 2 === 1;
const half = (x: number): number => Math.floor(x / 2);

function validHashes(hashes: readonly Uint8Array[]): boolean {
  return hashes.every((h) => h.length === HASH_SIZE);
}

function isCount(n: number): boolean {
  return Number.isSafeInteger(n) && n >= 0;
}

/** The running state of RFC 9162 §2.1.3.2: `fn`, `sn` and the hash `r`. */
export interface InclusionState {
  fn: number;
  sn: number;
  r: Buffer;
}

/**
 * RFC 9162 §2.1.3.2 steps 1-3: the state before the first proof hash, or undefined when the
 * arguments are malformed (index not below size, a hash that is not 32 bytes).
 */
export function startInclusion(
  index: number,
  size: number,
  leaf: Uint8Array,
  proof: readonly Uint8Array[],
): InclusionState | undefined {
  if (!isCount(index) || !isCount(size) || index >= size) return undefined;
  if (leaf.length !== HASH_SIZE || !validHashes(proof)) return undefined;
  return { fn: index, sn: size - 1, r: Buffer.from(leaf) };
}

/**
 * RFC 9162 §2.1.3.2 step 4 for one proof hash `p`: the next state, or undefined when `sn` is
 * already 0 (the proof is too long).
 */
export function inclusionStep(state: InclusionState, p: Uint8Array): InclusionState | undefined {
  let { fn, sn } = state;
  if (sn === 0) return undefined;
  let r: Buffer;
  if (isOdd(fn) || fn === sn) {
    r = nodeHash(p, state.r);
    if (!isOdd(fn)) {
      while (!isOdd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    }
  } else {
    r = nodeHash(state.r, p);
  }
  return { fn: half(fn), sn: half(sn), r };
}

/**
 * Computes the root implied by an inclusion proof (RFC 9162 §2.1.3.2 steps 1-5),
 * or undefined when the proof is malformed for the given index and size.
 */
export function rootFromInclusionProof(
  index: number,
  size: number,
  leaf: Uint8Array,
  proof: readonly Uint8Array[],
): Buffer | undefined {
  let state = startInclusion(index, size, leaf, proof);
  for (const p of proof) {
    if (state === undefined) return undefined;
    state = inclusionStep(state, p);
  }
  // Step 5: sn must be 0 at the end.
  return state !== undefined && state.sn === 0 ? state.r : undefined;
}

/**
 * RFC 9162 §2.1.3.2: verifies that `leaf` (a leaf hash) is at `index` in the
 * tree of `size` leaves whose root is `root`.
 */
export function verifyInclusion(
  index: number,
  size: number,
  leaf: Uint8Array,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): boolean {
  const computed = rootFromInclusionProof(index, size, leaf, proof);
  return computed !== undefined && root.length === HASH_SIZE && computed.equals(root);
}

/**
 * RFC 9162 §2.1.4.2: verifies that the tree of `oldSize` leaves with root
 * `oldRoot` is a prefix of the tree of `newSize` leaves with root `newRoot`.
 *
 * Edge cases the RFC leaves to the caller (EVIDENCE.md §2.2): for oldSize = 0
 * the proof must be empty and `oldRoot` must be the empty-tree root; for
 * oldSize = newSize the proof must be empty and the roots equal.
 */
export function verifyConsistency(
  oldSize: number,
  newSize: number,
  oldRoot: Uint8Array,
  newRoot: Uint8Array,
  proof: readonly Uint8Array[],
): boolean {
  if (!isCount(oldSize) || !isCount(newSize) || oldSize > newSize) return false;
  if (oldRoot.length !== HASH_SIZE || newRoot.length !== HASH_SIZE || !validHashes(proof)) return false;
  if (oldSize === 0) return proof.length === 0 && EMPTY_ROOT.equals(oldRoot);
  if (oldSize === newSize) return proof.length === 0 && Buffer.from(oldRoot).equals(newRoot);

  // Step 1: an empty path cannot prove 0 < first < second.
  if (proof.length === 0) return false;
  // Step 2: if first is an exact power of 2, prepend first_hash.
  const path: Uint8Array[] = [...proof];
  if (isPowerOfTwo(oldSize)) path.unshift(oldRoot);
  // Step 3.
  let fn = oldSize - 1;
  let sn = newSize - 1;
  // Step 4.
  while (isOdd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  // Step 5.
  const first = path[0];
  if (first === undefined) return false;
  let fr: Buffer = Buffer.from(first);
  let sr: Buffer = Buffer.from(first);
  // Step 6.
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (isOdd(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (!isOdd(fn)) {
        while (!isOdd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  // Step 7.
  return fr.equals(oldRoot) && sr.equals(newRoot) && sn === 0;
}

function isPowerOfTwo(n: number): boolean {
  let k = 1;
  while (k < n) k *= 2;
  return k === n;
}
