/**
 * RFC 9162 §2.1.3.1 inclusion paths computed from stored subtrees, with the hashes of the tree's
 * right edge remembered per tree size.
 *
 * For a tree of size n, the path elements that are not complete subtrees are all of the form
 * MTH(D[lo:n]) with lo = n with its low bits cleared: at most log2(n) of them per size, and every
 * proof at that size uses some of them. Computing them once per checkpoint instead of once per proof
 * removes most of the hashing from proof generation.
 */
import { nodeHash, type SubtreeId, type SubtreeLookup, splitPoint } from './core/index.js';

/** A half-open leaf range [lo, hi) whose MTH is one proof element. */
export interface LeafRange {
  lo: number;
  hi: number;
}

/** RFC 9162 §2.1.3.1 PATH(index, D[size]) as leaf ranges, leaf's sibling first. */
export function pathRanges(index: number, size: number): LeafRange[] {
  const out: LeafRange[] = [];
  let lo = 0;
  let hi = size;
  const stack: LeafRange[] = [];
  while (hi - lo > 1) {
    const k = splitPoint(hi - lo);
    if (index < lo + k) {
      stack.push({ lo: lo + k, hi });
      hi = lo + k;
    } else {
      stack.push({ lo, hi: lo + k });
      lo += k;
    }
  }
  // The recursion emits the deepest sibling first.
  for (let i = stack.length - 1; i >= 0; i--) out.push(stack[i] as LeafRange);
  return out;
}

/** True when [lo, hi) is a complete subtree. */
const isComplete = (r: LeafRange): boolean => levelOf(r.hi - r.lo) >= 0 && r.lo % (r.hi - r.lo) === 0;

/** The level of `n` if it is a power of two, else -1 (no 32-bit operators). */
function levelOf(n: number): number {
  let level = 0;
  let k = 1;
  while (k < n) {
    k *= 2;
    level++;
  }
  return k === n ? level : -1;
}

/**
 * RFC 9162 §2.1.1: the complete subtrees whose hashes make MTH(D[lo:hi]), left to right (core's
 * `rangeSubtrees`, written as a plain recursive function for this hot path).
 */
function collectSubtrees(lo: number, hi: number, out: SubtreeId[]): void {
  const n = hi - lo;
  const level = levelOf(n);
  if (level >= 0 && lo % n === 0) {
    out.push({ level, index: lo / n });
    return;
  }
  const k = splitPoint(n);
  collectSubtrees(lo, lo + k, out);
  collectSubtrees(lo + k, hi, out);
}

/** RFC 9162 §2.1.1 MTH(D[lo:hi]) from complete-subtree hashes (core's `hashRange`, same recursion). */
function rangeHash(lo: number, hi: number, lookup: SubtreeLookup): Buffer {
  const n = hi - lo;
  const level = levelOf(n);
  if (level >= 0 && lo % n === 0) return lookup({ level, index: lo / n });
  const k = splitPoint(n);
  return nodeHash(rangeHash(lo, lo + k, lookup), rangeHash(lo + k, hi, lookup));
}

/** Right-edge hashes of the latest tree size of one log. */
class EdgeMemo {
  size = -1;
  readonly hashes = new Map<number, Buffer>();

  at(size: number): Map<number, Buffer> {
    if (size !== this.size) {
      this.size = size;
      this.hashes.clear();
    }
    return this.hashes;
  }
}

/** Inclusion paths for the logs, remembering each log's right edge at its latest size. */
export class InclusionPaths {
  readonly #memos = new Map<number, EdgeMemo>();

  /**
   * PATH(index, D[size]) from the lookup returned by `load(ids)`, which must answer every id passed
   * to it (one batch per proof).
   */
  async prove(
    log: number,
    index: number,
    size: number,
    load: (ids: SubtreeId[]) => Promise<SubtreeLookup>,
  ): Promise<Buffer[]> {
    let memo = this.#memos.get(log);
    if (memo === undefined) {
      memo = new EdgeMemo();
      this.#memos.set(log, memo);
    }
    // Only the newest size is remembered: proofs against older checkpoints simply recompute.
    const edge = size >= memo.size ? memo.at(size) : new Map<number, Buffer>();
    const ranges = pathRanges(index, size);
    const ids: SubtreeId[] = [];
    for (const r of ranges) {
      if (r.hi === size && !isComplete(r) && edge.has(r.lo)) continue;
      collectSubtrees(r.lo, r.hi, ids);
    }
    const lookup = await load(ids);
    return ranges.map((r) => {
      if (r.hi !== size || isComplete(r)) return rangeHash(r.lo, r.hi, lookup);
      let hash = edge.get(r.lo);
      if (hash === undefined) {
        hash = rangeHash(r.lo, r.hi, lookup);
        edge.set(r.lo, hash);
      }
      return hash;
    });
  }
}
