/**
 * c2sp.org/tlog-tiles geometry: tiles of height 8 (256 hashes), their read paths, and the subtree
 * hashes a tile determines.
 *
 * Tile `n` of tile level `L` holds the hashes of tree level 8L for the subtrees
 * `n * 256 .. n * 256 + 255` (c2sp.org/tlog-tiles "Merkle Tree"). A complete subtree `{level, index}`
 * (as addressed by core's merkle.ts) with `level = 8L + r` is the root of the 2^r consecutive tile
 * hashes starting at `index * 2^r`, all inside one tile.
 */
import { HASH_SIZE, nodeHash, type SubtreeId } from './core/index.js';

/** Tile height (c2sp.org/tlog-tiles: 8), width of a full tile, bytes of a full tile. */
export const TILE_HEIGHT = 8;
export const TILE_WIDTH = 256;
export const FULL_TILE_BYTES = TILE_WIDTH * HASH_SIZE;

/** A tile coordinate: tile level and index. */
export interface TileId {
  level: number;
  index: number;
}

/** Where a complete subtree's hash comes from: `count` hashes of one tile, starting at `offset`. */
export interface TileSpan {
  tile: TileId;
  /** Tree level inside the tile (0..7): the subtree spans 2^r tile hashes. */
  r: number;
  offset: number;
  count: number;
}

const pow2 = (n: number): number => 2 ** n;
const pow256 = (n: number): number => TILE_WIDTH ** n;

/** The tile hashes a complete subtree is made of. */
export function tileSpanOf(id: SubtreeId): TileSpan {
  const level = Math.floor(id.level / TILE_HEIGHT);
  const r = id.level - level * TILE_HEIGHT;
  const count = pow2(r);
  const first = id.index * count;
  const index = Math.floor(first / TILE_WIDTH);
  return { tile: { level, index }, r, offset: first - index * TILE_WIDTH, count };
}

/** Number of tree-level-8L hashes in a tree of `size` leaves: floor(size / 256^L). */
export function hashesAtTileLevel(size: number, level: number): number {
  return Math.floor(size / pow256(level));
}

/** Width of tile `index` at tile `level` in a tree of `size` leaves (0: not present, 256: full). */
export function tileWidth(size: number, tile: TileId): number {
  const count = hashesAtTileLevel(size, tile.level);
  return Math.max(0, Math.min(TILE_WIDTH, count - tile.index * TILE_WIDTH));
}

/** Tile levels that hold at least one hash in a tree of `size` leaves. */
export function tileLevels(size: number): number {
  let levels = 0;
  while (hashesAtTileLevel(size, levels) > 0) levels++;
  return levels;
}

/** c2sp.org/tlog-tiles `<N>`: zero-padded 3-digit elements, all but the last prefixed with `x`. */
export function formatTileIndex(index: number): string {
  let rest = index;
  const parts: string[] = [];
  do {
    parts.unshift(String(rest % 1000).padStart(3, '0'));
    rest = Math.floor(rest / 1000);
  } while (rest > 0);
  return parts.map((p, i) => (i < parts.length - 1 ? `x${p}` : p)).join('/');
}

/** The path of a tile under the log prefix: `tile/<L>/<N>[.p/<W>]` (`L` = `entries` for bundles). */
export function tilePath(level: number | 'entries', index: number, width = TILE_WIDTH): string {
  const partial = width < TILE_WIDTH ? `.p/${width}` : '';
  return `tile/${level}/${formatTileIndex(index)}${partial}`;
}

/** A parsed tile request. */
export interface TileRequest {
  /** Tile level, or `entries` for an entry bundle. */
  level: number | 'entries';
  index: number;
  /** 256 for a full tile, 1..255 for a partial one. */
  width: number;
}

const DECIMAL = /^(0|[1-9][0-9]*)$/;

/**
 * Parses the segments after `tile/` strictly as c2sp.org/tlog-tiles writes them: level 0..63 (or
 * `entries`), index elements `x000`..`x999` then `000`..`999`, optional `.p/<W>` with W in 1..255.
 * Returns undefined for anything else (a 404 for tile clients).
 */
export function parseTilePath(segments: readonly string[]): TileRequest | undefined {
  const [levelText, ...rest] = segments;
  if (levelText === undefined || rest.length === 0) return undefined;
  let level: number | 'entries';
  if (levelText === 'entries') level = 'entries';
  else if (DECIMAL.test(levelText) && Number(levelText) <= 63) level = Number(levelText);
  else return undefined;
  let width = TILE_WIDTH;
  const last = rest.length >= 2 ? rest[rest.length - 2] : undefined;
  if (last?.endsWith('.p')) {
    const w = rest[rest.length - 1] as string;
    if (!DECIMAL.test(w) || Number(w) < 1 || Number(w) > 255) return undefined;
    width = Number(w);
    rest.splice(rest.length - 2, 2, last.slice(0, -2));
  }
  let index = 0;
  for (const [i, element] of rest.entries()) {
    const digits =
      i < rest.length - 1 ? /^x([0-9]{3})$/.exec(element)?.[1] : /^([0-9]{3})$/.exec(element)?.[1];
    if (digits === undefined) return undefined;
    index = index * 1000 + Number(digits);
  }
  // Leading x000 elements would give a second path for the same tile.
  if (rest.length > 1 && rest[0] === 'x000') return undefined;
  if (!Number.isSafeInteger(index)) return undefined;
  return { level, index, width };
}

/**
 * The hashes of one tile with every complete subtree above them precomputed (RFC 9162 §2.1.1 node
 * hashes), so that any subtree hash inside the tile is a lookup.
 */
export class ExpandedTile {
  /** `levels[r]` holds the complete level-r nodes, 32 bytes each. */
  readonly #levels: Buffer[];

  /** @param hashes the tile's hashes (width * 32 bytes, width 1..256). */
  constructor(hashes: Buffer) {
    if (hashes.length === 0 || hashes.length % HASH_SIZE !== 0 || hashes.length > FULL_TILE_BYTES) {
      throw new RangeError(`a tile holds 1 to 256 hashes, got ${hashes.length} bytes`);
    }
    this.#levels = [hashes];
    for (let prev = hashes; prev.length >= 2 * HASH_SIZE; ) {
      const n = Math.floor(prev.length / (2 * HASH_SIZE));
      const next = Buffer.allocUnsafe(n * HASH_SIZE);
      for (let i = 0; i < n; i++) {
        const left = prev.subarray(2 * i * HASH_SIZE, (2 * i + 1) * HASH_SIZE);
        const right = prev.subarray((2 * i + 1) * HASH_SIZE, (2 * i + 2) * HASH_SIZE);
        nodeHash(left, right).copy(next, i * HASH_SIZE);
      }
      this.#levels.push(next);
      prev = next;
    }
  }

  /** Number of hashes in the tile. */
  get width(): number {
    return (this.#levels[0] as Buffer).length / HASH_SIZE;
  }

  /** The tile's hashes (width * 32 bytes). */
  get hashes(): Buffer {
    return this.#levels[0] as Buffer;
  }

  /** Bytes held, for cache accounting. */
  get bytes(): number {
    return this.#levels.reduce((n, b) => n + b.length, 0);
  }

  /** True when the subtree of `span` lies within this tile's width. */
  covers(span: TileSpan): boolean {
    return span.offset + span.count <= this.width;
  }

  /** The `i`-th complete node of tree level `r` inside the tile (0..7), or undefined beyond its width. */
  hashAt(r: number, i: number): Buffer | undefined {
    const level = this.#levels[r];
    if (level === undefined || (i + 1) * HASH_SIZE > level.length) return undefined;
    return level.subarray(i * HASH_SIZE, (i + 1) * HASH_SIZE);
  }

  /** The hash of the subtree `span` (which must be covered). */
  hashOf(span: TileSpan): Buffer {
    const level = this.#levels[span.r];
    const i = span.offset / span.count;
    if (level === undefined || (i + 1) * HASH_SIZE > level.length) {
      throw new RangeError(
        `tile of width ${this.width} does not cover ${span.count} hashes at ${span.offset}`,
      );
    }
    return level.subarray(i * HASH_SIZE, (i + 1) * HASH_SIZE);
  }
}
