/**
 * The sequencer's in-memory view of a log's tree: core's `CompactTree` (the frontier, for the root)
 * plus the rightmost, partial tile of every tile level (c2sp.org/tlog-tiles), so that appending leaves
 * yields exactly the tile rows to write.
 */
import { CompactTree, HASH_SIZE, type SubtreeHashReader } from '../core/index.js';
import { hashesAtTileLevel, TILE_HEIGHT, TILE_WIDTH, type TileId, tileLevels, tileWidth } from '../tiles.js';

/** A tile row to write: its full current content. */
export interface TileWrite extends TileId {
  hashes: Buffer;
}

/** Reads the stored content of some tiles (keyed `level/index`). */
export type TileFetcher = (tiles: readonly TileId[]) => Promise<Map<string, Buffer>>;

const key = (t: TileId): string => `${t.level}/${t.index}`;

export class TreeBuilder {
  readonly #tree: CompactTree;
  /** Per tile level: the hashes of its partial tile, in order. */
  readonly #partials: Buffer[][];
  /** Tiles changed since the last `takeWrites`, with their content. */
  readonly #dirty = new Map<string, TileWrite>();

  private constructor(tree: CompactTree, partials: Buffer[][]) {
    this.#tree = tree;
    this.#partials = partials;
  }

  /** An empty tree. */
  static empty(): TreeBuilder {
    return new TreeBuilder(new CompactTree(), []);
  }

  /**
   * Loads the state of a tree of `size` leaves from stored tiles: the frontier through `reader`, the
   * partial tiles through `fetch`.
   * @throws Error when a stored tile is missing or too short.
   */
  static async load(size: number, reader: SubtreeHashReader, fetch: TileFetcher): Promise<TreeBuilder> {
    const tree = await CompactTree.load(size, reader);
    const levels = tileLevels(size);
    const wanted: Array<TileId & { width: number }> = [];
    for (let level = 0; level < levels; level++) {
      const index = Math.floor(hashesAtTileLevel(size, level) / TILE_WIDTH);
      const width = tileWidth(size, { level, index });
      if (width > 0 && width < TILE_WIDTH) wanted.push({ level, index, width });
    }
    const stored = wanted.length === 0 ? new Map<string, Buffer>() : await fetch(wanted);
    const partials: Buffer[][] = [];
    for (let level = 0; level < levels; level++) partials.push([]);
    for (const t of wanted) {
      const hashes = stored.get(key(t));
      if (hashes === undefined || hashes.length < t.width * HASH_SIZE) {
        throw new Error(`tile ${key(t)} is missing or shorter than ${t.width} hashes`);
      }
      const list: Buffer[] = [];
      for (let i = 0; i < t.width; i++)
        list.push(Buffer.from(hashes.subarray(i * HASH_SIZE, (i + 1) * HASH_SIZE)));
      partials[t.level] = list;
    }
    return new TreeBuilder(tree, partials);
  }

  get size(): number {
    return this.#tree.size;
  }

  /** RFC 9162 §2.1.1 root of the current tree. */
  root(): Buffer {
    return this.#tree.root();
  }

  /** Appends one leaf hash; every new complete subtree at a tile boundary level goes into its tile. */
  append(leafHash: Uint8Array): void {
    for (const created of this.#tree.append(leafHash)) {
      if (created.level % TILE_HEIGHT !== 0) continue;
      const level = created.level / TILE_HEIGHT;
      while (this.#partials.length <= level) this.#partials.push([]);
      const partial = this.#partials[level] as Buffer[];
      const index = Math.floor(created.index / TILE_WIDTH);
      if (created.index % TILE_WIDTH !== partial.length) {
        throw new Error(`tile ${level}/${index} is out of step with the tree`);
      }
      partial.push(created.hash);
      this.#dirty.set(key({ level, index }), { level, index, hashes: Buffer.alloc(0) });
      // A full tile starts the next, empty one (c2sp.org/tlog-tiles: full tiles are 256 hashes).
      if (partial.length === TILE_WIDTH) {
        this.#dirty.set(key({ level, index }), { level, index, hashes: Buffer.concat(partial) });
        this.#partials[level] = [];
      }
    }
  }

  /** The tiles changed since the last call, with their full content; clears the list. */
  takeWrites(): TileWrite[] {
    const out: TileWrite[] = [];
    for (const write of this.#dirty.values()) {
      if (write.hashes.length > 0) {
        out.push(write);
        continue;
      }
      const partial = this.#partials[write.level] as Buffer[];
      out.push({ level: write.level, index: write.index, hashes: Buffer.concat(partial) });
    }
    this.#dirty.clear();
    return out;
  }
}
