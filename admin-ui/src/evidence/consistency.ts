/**
 * RFC 9162 §2.1.4.2 consistency proof verification with WebCrypto: proves the tree of `oldSize`
 * leaves (an auditor's saved checkpoint) is a prefix of the current tree, so no entry was changed or
 * removed in between.
 */
import { bytesEqual } from './base64.js';
import { sha256 } from './crypto.js';
import { HASH_SIZE, nodeHash } from './merkle.js';

const isOdd = (x: number) => x % 2 === 1;
const half = (x: number) => Math.floor(x / 2);
const isPowerOfTwo = (n: number) => n > 0 && 2 ** Math.round(Math.log2(n)) === n;

export async function verifyConsistency(
  oldSize: number,
  newSize: number,
  oldRoot: Uint8Array,
  newRoot: Uint8Array,
  proof: readonly Uint8Array[],
): Promise<boolean> {
  if (!Number.isSafeInteger(oldSize) || !Number.isSafeInteger(newSize) || oldSize < 0 || oldSize > newSize) {
    return false;
  }
  if (
    oldRoot.length !== HASH_SIZE ||
    newRoot.length !== HASH_SIZE ||
    proof.some((p) => p.length !== HASH_SIZE)
  ) {
    return false;
  }
  // EVIDENCE.md §2.2: M = 0 or M = N have no hash lines.
  if (oldSize === 0) return proof.length === 0 && bytesEqual(oldRoot, await sha256());
  if (oldSize === newSize) return proof.length === 0 && bytesEqual(oldRoot, newRoot);
  // Step 1.
  if (proof.length === 0) return false;
  // Step 2.
  const path = isPowerOfTwo(oldSize) ? [oldRoot, ...proof] : [...proof];
  // Steps 3-4.
  let fn = oldSize - 1;
  let sn = newSize - 1;
  while (isOdd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  // Step 5.
  const [first, ...rest] = path;
  if (!first) return false;
  let fr = first;
  let sr = first;
  // Step 6.
  for (const c of rest) {
    if (sn === 0) return false;
    if (isOdd(fn) || fn === sn) {
      fr = await nodeHash(c, fr);
      sr = await nodeHash(c, sr);
      while (!isOdd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      sr = await nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  // Step 7.
  return bytesEqual(fr, oldRoot) && bytesEqual(sr, newRoot) && sn === 0;
}
