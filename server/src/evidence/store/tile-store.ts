/**
 * Reads the stored Merkle tiles of the logs, with an in-memory cache of expanded tiles, and answers
 * the complete-subtree hash lookups that core's proof functions need (one query per proof).
 *
 * Caching is sound because a tile's first W hashes never change once written (complete subtrees are
 * immutable, c2sp.org/tlog-tiles "Partial Tiles"): a cached tile of width W answers every lookup inside
 * its first W hashes, and a lookup beyond them refetches.
 */
import type { Knex } from 'knex';
import type { SubtreeHashReader, SubtreeId, SubtreeLookup } from '../core/index.js';
import { ExpandedTile, TILE_HEIGHT, TILE_WIDTH, type TileId, tileSpanOf } from '../tiles.js';
import { type SqlClient, toNumber, withConnection } from './sql.js';

/** Numeric cache key: tile index, tile level (< 64) and log id (< 8) packed into a safe integer. */
const keyOf = (log: number, level: number, index: number): number => (index * 64 + level) * 8 + log;

/** Key of a tile within one log, as returned by `TileStore.fetch`. */
export const tileKey = (tile: TileId): string => `${tile.level}/${tile.index}`;

/**
 * A cache of expanded tiles bounded by count, with two generations instead of strict LRU: hits in the
 * young generation cost one map lookup; hits in the old one move the tile to the young one; when the
 * young generation is full it becomes the old one and the previous old one is dropped.
 */
export class TileCache {
  readonly #half: number;
  #young = new Map<number, ExpandedTile>();
  #old = new Map<number, ExpandedTile>();

  constructor(maxTiles: number) {
    this.#half = Math.floor(maxTiles / 2);
  }

  get(log: number, tile: TileId): ExpandedTile | undefined {
    return this.at(log, tile.level, tile.index);
  }

  /** The same as `get`, for a tile given by its level and index. */
  at(log: number, level: number, index: number): ExpandedTile | undefined {
    const key = keyOf(log, level, index);
    const young = this.#young.get(key);
    if (young !== undefined) return young;
    const old = this.#old.get(key);
    if (old !== undefined) this.#insert(key, old);
    return old;
  }

  /** Keeps the widest version of a tile. */
  put(log: number, tile: TileId, expanded: ExpandedTile): void {
    if (this.#half === 0) return;
    const key = keyOf(log, tile.level, tile.index);
    const held = this.#young.get(key) ?? this.#old.get(key);
    if (held !== undefined && held.width >= expanded.width) return;
    this.#insert(key, expanded);
  }

  #insert(key: number, tile: ExpandedTile): void {
    if (this.#young.size >= this.#half) {
      this.#old = this.#young;
      this.#young = new Map();
    }
    this.#young.set(key, tile);
    this.#old.delete(key);
  }

  get size(): number {
    return this.#young.size + this.#old.size;
  }

  clear(): void {
    this.#young.clear();
    this.#old.clear();
  }
}

/** Stored tiles of the logs. */
export class TileStore {
  constructor(
    private readonly db: Knex,
    readonly cache: TileCache,
  ) {}

  /**
   * The stored hashes of some tiles of `log`, keyed by `tileKey` (as many hashes as stored, which may
   * exceed the width at an older checkpoint).
   */
  async fetch(client: SqlClient, log: number, tiles: readonly TileId[]): Promise<Map<string, Buffer>> {
    const { rows } = await client.query<{ level: number; idx: string; hashes: Buffer }>(
      `select t.level, t.idx, t.hashes
         from unnest($2::smallint[], $3::bigint[]) as k(level, idx)
         join log_tiles t on t.log = $1 and t.level = k.level and t.idx = k.idx`,
      [log, tiles.map((t) => t.level), tiles.map((t) => t.index)],
    );
    return new Map(rows.map((r) => [tileKey({ level: r.level, index: toNumber(r.idx) }), r.hashes]));
  }

  /** One stored tile, or undefined. */
  async tile(log: number, tile: TileId): Promise<Buffer | undefined> {
    return withConnection(this.db, async (client) =>
      (await this.fetch(client, log, [tile])).get(tileKey(tile)),
    );
  }

  /**
   * A synchronous lookup over the complete subtrees `ids` of `log` (for core's `*With` proof
   * functions): the tiles they lie in come from the cache, the missing ones from one query.
   * @throws Error when a subtree is not stored.
   */
  async lookup(log: number, ids: readonly SubtreeId[], client?: SqlClient): Promise<SubtreeLookup> {
    const tiles = new Map<string, ExpandedTile>();
    const missing = new Map<string, TileId>();
    for (const id of ids) {
      const span = tileSpanOf(id);
      const key = tileKey(span.tile);
      if (tiles.has(key) || missing.has(key)) {
        const held = tiles.get(key);
        if (held !== undefined && !held.covers(span)) {
          tiles.delete(key);
          missing.set(key, span.tile);
        }
        continue;
      }
      const cached = this.cache.get(log, span.tile);
      if (cached?.covers(span)) tiles.set(key, cached);
      else missing.set(key, span.tile);
    }
    if (missing.size > 0) {
      const run = (c: SqlClient) => this.fetch(c, log, [...missing.values()]);
      const rows = client === undefined ? await withConnection(this.db, run) : await run(client);
      for (const [key, hashes] of rows) {
        const expanded = new ExpandedTile(hashes);
        tiles.set(key, expanded);
        this.cache.put(log, missing.get(key) as TileId, expanded);
      }
    }
    return (id) => {
      const span = tileSpanOf(id);
      const tile = tiles.get(tileKey(span.tile));
      if (tile === undefined || !tile.covers(span)) {
        throw new Error(`log ${log}: subtree ${id.level}/${id.index} is not stored`);
      }
      return tile.hashOf(span);
    };
  }

  /**
   * The hash of the complete subtree `{level, index}` of `log` when its tile is cached and covers it,
   * else undefined (no I/O, no allocation but the returned view).
   */
  cachedSubtree(log: number, level: number, index: number): Buffer | undefined {
    const tileLevel = Math.floor(level / TILE_HEIGHT);
    const r = level - tileLevel * TILE_HEIGHT;
    const first = index * 2 ** r;
    const tileIndex = Math.floor(first / TILE_WIDTH);
    return this.cache.at(log, tileLevel, tileIndex)?.hashAt(r, (first - tileIndex * TILE_WIDTH) / 2 ** r);
  }

  /** The same as a batch reader, for core's `CompactTree.load` and `treeRoot`. */
  reader(log: number, client?: SqlClient): SubtreeHashReader {
    return async (ids) => {
      const lookup = await this.lookup(log, ids, client);
      return ids.map(lookup);
    };
  }
}
