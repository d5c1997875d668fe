/**
 * RFC 9162 §2.1 Merkle tree hashing and §2.1.3.2 inclusion proof verification, with WebCrypto
 * SHA-256. Sizes are handled with division, not bit shifts, so trees beyond 2^31 leaves work.
 */
import { bytesEqual } from './base64.js';
import { sha256 } from './crypto.js';

export const HASH_SIZE = 32;

/** RFC 9162 §2.1.1: leaf hash = SHA-256(0x00 || data). */
export const leafHash = (data: Uint8Array): Promise<Uint8Array> => sha256(new Uint8Array([0]), data);

/** RFC 9162 §2.1.1: node hash = SHA-256(0x01 || left || right). */
export const nodeHash = (left: Uint8Array, right: Uint8Array): Promise<Uint8Array> =>
  sha256(new Uint8Array([1]), left, right);

const isOdd = (x: number) => x % 2 === 1;
const half = (x: number) => Math.floor(x / 2);

/**
 * RFC 9162 §2.1.3.2 steps 1-5: the root that `proof` implies for the leaf hash at `index` in a tree
 * of `size` leaves; null when the proof does not fit the index and size.
 */
export async function rootFromInclusionProof(
  index: number,
  size: number,
  leaf: Uint8Array,
  proof: readonly Uint8Array[],
): Promise<Uint8Array | null> {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) return null;
  if (leaf.length !== HASH_SIZE || proof.some((p) => p.length !== HASH_SIZE)) return null;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return null;
    if (isOdd(fn) || fn === sn) {
      r = await nodeHash(p, r);
      while (!isOdd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      r = await nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 ? r : null;
}

/** RFC 9162 §2.1.3.2: true when the leaf hash is at `index` of the tree of `size` leaves with `root`. */
export async function verifyInclusion(
  index: number,
  size: number,
  leaf: Uint8Array,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): Promise<boolean> {
  const computed = await rootFromInclusionProof(index, size, leaf, proof);
  return computed !== null && bytesEqual(computed, root);
}
