/**
 * RFC 9162 §2.1.3.1 inclusion paths computed from in-memory subtree hashes, with the hashes of the
 * tree's right edge remembered per tree size.
 *
 * Every element of PATH(index, D[size]) is MTH of a leaf range. The ranges that are complete
 * subtrees are immutable once they exist, so their hashes come straight from the tile cache. The
 * others all end at `size` (the tree's right edge): at most log2(size) of them per size, shared by
 * every proof at that size, so they are computed once per size and remembered for the most recent
 * sizes. When every hash is in memory a proof is computed synchronously, allocating little more
 * than its result; otherwise the missing subtrees are read in one batch.
 */
import {
  hashRange,
  nodeHash,
  pathRanges,
  rangeSubtrees,
  type SubtreeId,
  type SubtreeLookup,
  splitPoint,
} from './core/index.js';

/** Where the complete-subtree hashes of one log come from. */
export interface SubtreeSource {
  /** The hash of the complete subtree `{level, index}` when it is in memory (no I/O), else undefined. */
  cached(level: number, index: number): Buffer | undefined;
  /** Reads the subtrees `ids` (one batch) and returns a lookup that answers each of them. */
  load(ids: SubtreeId[]): Promise<SubtreeLookup>;
}

/** Tree sizes whose right edge is remembered, per log. */
const EDGE_SIZES = 16;

const TWO_31 = 2 ** 31;

/** The level of `n` if it is a power of two, else -1 (32-bit operators only below 2^31). */
function levelOf(n: number): number {
  if (n <= TWO_31) return n > 0 && (n & (n - 1)) === 0 ? 31 - Math.clz32(n) : -1;
  let level = 0;
  let k = 1;
  while (k < n) {
    k *= 2;
    level++;
  }
  return k === n ? level : -1;
}

/** RFC 9162 §2.1.1 MTH(D[lo:hi]) from complete-subtree hashes; undefined when one is missing. */
function rangeHash(
  lo: number,
  hi: number,
  get: (level: number, index: number) => Buffer | undefined,
): Buffer | undefined {
  const n = hi - lo;
  const level = levelOf(n);
  if (level >= 0 && lo % n === 0) return get(level, lo / n);
  const k = splitPoint(n);
  const left = rangeHash(lo, lo + k, get);
  const right = left === undefined ? undefined : rangeHash(lo + k, hi, get);
  return right === undefined ? undefined : nodeHash(left as Buffer, right);
}

/** Right-edge hashes MTH(D[lo:size]) keyed by `lo`, for the most recent sizes of one log. */
class EdgeMemo {
  readonly #sizes = new Map<number, Map<number, Buffer>>();

  at(size: number): Map<number, Buffer> {
    let edge = this.#sizes.get(size);
    if (edge !== undefined) return edge;
    edge = new Map();
    this.#sizes.set(size, edge);
    // Map order is insertion order: the first key is the size remembered longest ago.
    if (this.#sizes.size > EDGE_SIZES) this.#sizes.delete(this.#sizes.keys().next().value as number);
    return edge;
  }
}

/** Inclusion paths for the logs, remembering each log's right edge at its recent sizes. */
export class InclusionPaths {
  readonly #memos = new Map<number, EdgeMemo>();

  /**
   * PATH(index, D[size]) (leaf's sibling first), for 0 <= index < size: synchronous when `source`
   * holds every hash in memory, else after one `source.load`.
   */
  prove(log: number, index: number, size: number, source: SubtreeSource): Buffer[] | Promise<Buffer[]> {
    let memo = this.#memos.get(log);
    if (memo === undefined) {
      memo = new EdgeMemo();
      this.#memos.set(log, memo);
    }
    const edge = memo.at(size);
    // Top-down walk of the RFC recursion: the sibling at each split, root's children first. `k` is
    // the split point of [lo, hi) (RFC 9162 §2.1.1), 2^level; it only shrinks on the way down.
    const path: Buffer[] = [];
    let lo = 0;
    let hi = size;
    let k = size > 1 ? splitPoint(size) : 1;
    let level = levelOf(k);
    while (hi - lo > 1) {
      while (k >= hi - lo) {
        k /= 2;
        level--;
      }
      let hash: Buffer | undefined;
      if (index < lo + k) {
        // Right sibling [lo + k, hi): complete unless it ends at the right edge with a non-power-of-two width.
        const width = levelOf(hi - lo - k);
        if (width >= 0) hash = source.cached(width, (lo + k) / (hi - lo - k));
        else {
          hash = edge.get(lo + k);
          if (hash === undefined) {
            hash = rangeHash(lo + k, hi, (l, i) => source.cached(l, i));
            if (hash !== undefined) edge.set(lo + k, hash);
          }
        }
        hi = lo + k;
      } else {
        // Left sibling [lo, lo + k): always a complete subtree.
        hash = source.cached(level, lo / k);
        lo += k;
      }
      if (hash === undefined) return this.#load(index, size, source, edge);
      path.push(hash);
    }
    return path.reverse();
  }

  /** The same path after reading the subtrees that are not in memory in one batch. */
  async #load(
    index: number,
    size: number,
    source: SubtreeSource,
    edge: Map<number, Buffer>,
  ): Promise<Buffer[]> {
    const ranges = pathRanges(index, size);
    const ids: SubtreeId[] = [];
    for (const { lo, hi } of ranges) if (hi !== size || !edge.has(lo)) ids.push(...rangeSubtrees(lo, hi));
    const lookup = await source.load(ids);
    return ranges.map(({ lo, hi }) => {
      const remembered = hi === size ? edge.get(lo) : undefined;
      if (remembered !== undefined) return remembered;
      const hash = hashRange(lo, hi, lookup);
      if (hi === size && levelOf(hi - lo) < 0) edge.set(lo, hash);
      return hash;
    });
  }
}
