import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import { HASH_SIZE, leafHash, leavesLookup, rangeSubtrees } from './core/index.js';
import { type TileWrite, TreeBuilder } from './store/tree-builder.js';
import { ExpandedTile, formatTileIndex, parseTilePath, tilePath, tileSpanOf, tileWidth } from './tiles.js';

const leaves = (n: number) => Array.from({ length: n }, (_, i) => leafHash(Buffer.from(`leaf ${i}`)));

describe('c2sp.org/tlog-tiles geometry', () => {
  test('index path elements and tile paths', () => {
    assert.equal(formatTileIndex(0), '000');
    assert.equal(formatTileIndex(5), '005');
    assert.equal(formatTileIndex(1000), 'x001/000');
    assert.equal(formatTileIndex(1234067), 'x001/x234/067');
    assert.equal(tilePath(0, 1234067), 'tile/0/x001/x234/067');
    assert.equal(tilePath('entries', 2, 88), 'tile/entries/002.p/88');
  });

  test('parsing accepts exactly the canonical paths', () => {
    assert.deepEqual(parseTilePath(['0', 'x001', 'x234', '067']), { level: 0, index: 1234067, width: 256 });
    assert.deepEqual(parseTilePath(['entries', '002.p', '88']), { level: 'entries', index: 2, width: 88 });
    assert.deepEqual(parseTilePath(['63', '000']), { level: 63, index: 0, width: 256 });
    for (const bad of [
      ['64', '000'],
      ['01', '000'],
      ['0', '5'],
      ['0', 'x000', '005'],
      ['0', '000.p', '0'],
      ['0', '000.p', '256'],
      ['0', '000.p', '007'],
      ['0', 'x1', '000'],
      ['0'],
      ['x', '000'],
      ['0', '001', 'x002'],
    ]) {
      assert.equal(parseTilePath(bad), undefined, bad.join('/'));
    }
  });

  test('widths follow floor(size / 256^L) mod 256 (the spec example of a 70,000-leaf tree)', () => {
    assert.equal(tileWidth(70000, { level: 0, index: 273 }), 112);
    assert.equal(tileWidth(70000, { level: 0, index: 272 }), 256);
    assert.equal(tileWidth(70000, { level: 1, index: 1 }), 17);
    assert.equal(tileWidth(70000, { level: 2, index: 0 }), 1);
    assert.equal(tileWidth(256, { level: 1, index: 0 }), 1);
  });

  test('an expanded tile answers every complete subtree inside it', () => {
    const hashes = leaves(200);
    const lookup = leavesLookup(hashes);
    const tile = new ExpandedTile(Buffer.concat(hashes));
    for (const id of rangeSubtrees(0, 200)) {
      const span = tileSpanOf(id);
      assert.ok(tile.covers(span));
      assert.ok(tile.hashOf(span).equals(lookup(id)));
    }
    assert.equal(tile.covers(tileSpanOf({ level: 8, index: 0 })), true);
    assert.equal(tile.covers(tileSpanOf({ level: 3, index: 25 })), false);
  });
});

describe('tree builder', () => {
  const tileContent = (hashes: Buffer[], level: number, index: number, width: number) => {
    const lookup = leavesLookup(hashes);
    return Buffer.concat(
      Array.from({ length: width }, (_, i) => lookup({ level: level * 8, index: index * 256 + i })),
    );
  };

  test('writes exactly the tiles of the tree, and reloads from them', async () => {
    const hashes = leaves(70000);
    const builder = TreeBuilder.empty();
    const stored = new Map<string, Buffer>();
    const apply = (writes: TileWrite[]) => {
      for (const w of writes) stored.set(`${w.level}/${w.index}`, w.hashes);
    };
    for (const [i, h] of hashes.entries()) {
      builder.append(h);
      if (i % 9999 === 0) apply(builder.takeWrites());
    }
    apply(builder.takeWrites());
    assert.equal(stored.size, 273 + 1 + 1 + 1 + 1);
    assert.ok(stored.get('0/273')?.equals(tileContent(hashes, 0, 273, 112)));
    assert.ok(stored.get('1/1')?.equals(tileContent(hashes, 1, 1, 17)));
    assert.ok(stored.get('2/0')?.equals(tileContent(hashes, 2, 0, 1)));
    const root = createHash('sha256').update(builder.root()).digest();

    const reader = async (ids: readonly { level: number; index: number }[]) => {
      const lookup = leavesLookup(hashes);
      return ids.map((id) => lookup(id));
    };
    const reloaded = await TreeBuilder.load(70000, reader, async (wanted) => {
      const out = new Map<string, Buffer>();
      for (const t of wanted) out.set(`${t.level}/${t.index}`, stored.get(`${t.level}/${t.index}`) as Buffer);
      return out;
    });
    assert.ok(createHash('sha256').update(reloaded.root()).digest().equals(root));
    const more = leaves(70300).slice(70000);
    for (const h of more) {
      builder.append(h);
      reloaded.append(h);
    }
    assert.deepEqual(reloaded.takeWrites(), builder.takeWrites());
    assert.equal((stored.get('0/0') as Buffer).length, 256 * HASH_SIZE);
  });
});
