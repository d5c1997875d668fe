/**
 * In-memory incremental Merkle tree (a compact range over [0, size)): the
 * stack of the roots of the maximal complete subtrees, left to right. Appending
 * a leaf yields exactly the new complete-subtree hashes a store must persist
 * (the leaf itself and every subtree the leaf completes), as Go's
 * golang.org/x/mod/sumdb/tlog StoredHashes does; the RFC 9162 §2.1.1 root of
 * the current tree is a right fold of the stack.
 */
import {
  assertCount,
  EMPTY_ROOT,
  HASH_SIZE,
  leafHash,
  nodeHash,
  rangeSubtrees,
  type SubtreeHashReader,
  type SubtreeId,
} from './merkle.js';

/** A complete subtree with its hash, as persisted by a log store. */
export interface StoredHash extends SubtreeId {
  hash: Buffer;
}

/** Incremental tree over leaf hashes; see the module comment. */
export class CompactTree {
  #size: number;
  #stack: StoredHash[];

  /**
   * @param size number of leaves already in the tree.
   * @param frontier hashes of `CompactTree.frontierIds(size)`, in that order.
   */
  constructor(size = 0, frontier: readonly Buffer[] = []) {
    assertCount(size, 'size');
    const ids = CompactTree.frontierIds(size);
    if (frontier.length !== ids.length) {
      throw new RangeError(
        `a tree of ${size} leaves has ${ids.length} frontier hashes, got ${frontier.length}`,
      );
    }
    this.#size = size;
    this.#stack = ids.map((id, i) => {
      const hash = frontier[i];
      if (hash === undefined || hash.length !== HASH_SIZE) throw new RangeError(`bad frontier hash ${i}`);
      return { ...id, hash: Buffer.from(hash) };
    });
  }

  /** The maximal complete subtrees covering [0, size), left to right (largest first). */
  static frontierIds(size: number): SubtreeId[] {
    assertCount(size, 'size');
    return size === 0 ? [] : rangeSubtrees(0, size);
  }

  /** Loads the frontier of a tree of `size` leaves from a store. */
  static async load(size: number, read: SubtreeHashReader): Promise<CompactTree> {
    const ids = CompactTree.frontierIds(size);
    const hashes = ids.length === 0 ? [] : await read(ids);
    return new CompactTree(size, [...hashes]);
  }

  /** Number of leaves. */
  get size(): number {
    return this.#size;
  }

  /** Copy of the frontier (roots of the maximal complete subtrees). */
  frontier(): StoredHash[] {
    return this.#stack.map((s) => ({ ...s, hash: Buffer.from(s.hash) }));
  }

  /**
   * Appends a leaf hash and returns the complete subtrees it creates: level 0
   * (the leaf) first, then each newly completed ancestor, bottom-up.
   */
  append(leaf: Uint8Array): StoredHash[] {
    if (leaf.length !== HASH_SIZE) throw new RangeError('leaf hash must be 32 bytes');
    if (!Number.isSafeInteger(this.#size + 1)) throw new RangeError('tree is full');
    const created: StoredHash[] = [{ level: 0, index: this.#size, hash: Buffer.from(leaf) }];
    this.#stack.push(created[0] as StoredHash);
    for (;;) {
      const right = this.#stack.at(-1);
      const left = this.#stack.at(-2);
      if (right === undefined || left === undefined || left.level !== right.level) break;
      this.#stack.splice(-2, 2);
      const parent = { level: left.level + 1, index: left.index / 2, hash: nodeHash(left.hash, right.hash) };
      this.#stack.push(parent);
      created.push(parent);
    }
    this.#size++;
    return created.map((s) => ({ ...s, hash: Buffer.from(s.hash) }));
  }

  /** Appends leaf data (hashed with `leafHash`) and returns the created subtrees. */
  appendData(data: Uint8Array): StoredHash[] {
    return this.append(leafHash(data));
  }

  /** RFC 9162 §2.1.1 root of the current tree; EMPTY_ROOT when empty. */
  root(): Buffer {
    let acc: Buffer | undefined;
    for (let i = this.#stack.length - 1; i >= 0; i--) {
      const s = this.#stack[i] as StoredHash;
      acc = acc === undefined ? s.hash : nodeHash(s.hash, acc);
    }
    return acc === undefined ? EMPTY_ROOT : Buffer.from(acc);
  }
}
