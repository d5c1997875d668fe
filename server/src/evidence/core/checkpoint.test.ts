import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { formatCheckpoint, openCheckpoint, parseCheckpoint, signCheckpoint } from './checkpoint.js';
import { b64Decode } from './encoding.js';
import { generateKeyPair, localSigner } from './keys.js';
import { EMPTY_ROOT, leafHash } from './merkle.js';
import { NoteError, noteKeyId, noteVerifier } from './note.js';

const ORIGIN = 'ai-la.example.com/ai-la/receipts';
const ROOT = leafHash(Buffer.from('root'));

function malformed(err: unknown): boolean {
  return err instanceof NoteError && err.code === 'malformed';
}

describe('checkpoints (c2sp.org/tlog-checkpoint)', () => {
  test('formats the note text; the empty tree has size 0 and root SHA-256("")', () => {
    assert.equal(
      formatCheckpoint({ origin: ORIGIN, size: 0, rootHash: EMPTY_ROOT }),
      `${ORIGIN}\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n`,
    );
    assert.equal(
      formatCheckpoint({ origin: 'o', size: 20852163, rootHash: ROOT, extensions: ['ext'] }),
      `o\n20852163\n${ROOT.toString('base64')}\next\n`,
    );
    assert.throws(() => formatCheckpoint({ origin: '', size: 1, rootHash: ROOT }), malformed);
    assert.throws(() => formatCheckpoint({ origin: 'a\nb', size: 1, rootHash: ROOT }), malformed);
    assert.throws(() => formatCheckpoint({ origin: 'o', size: -1, rootHash: ROOT }), malformed);
    assert.throws(() => formatCheckpoint({ origin: 'o', size: 1.5, rootHash: ROOT }), malformed);
    assert.throws(() => formatCheckpoint({ origin: 'o', size: 1, rootHash: ROOT.subarray(1) }), malformed);
    assert.throws(
      () => formatCheckpoint({ origin: 'o', size: 1, rootHash: ROOT, extensions: [''] }),
      malformed,
    );
  });

  test('parses strictly', () => {
    const root = ROOT.toString('base64');
    assert.deepEqual(parseCheckpoint(`${ORIGIN}\n5\n${root}\n`), { origin: ORIGIN, size: 5, rootHash: ROOT });
    assert.deepEqual(parseCheckpoint(`o\n0\n${root}\nx\ny\n`).extensions, ['x', 'y']);
    assert.equal(parseCheckpoint(`o\n9007199254740991\n${root}\n`).size, 9007199254740991);
    const bad = [
      `o\n5\n${root}`,
      `o\n5\n`,
      `\n5\n${root}\n`,
      `o\n05\n${root}\n`,
      `o\n00\n${root}\n`,
      `o\n-1\n${root}\n`,
      `o\n+1\n${root}\n`,
      `o\n 1\n${root}\n`,
      `o\n1.0\n${root}\n`,
      `o\n0x1\n${root}\n`,
      `o\n9007199254740992\n${root}\n`,
      `o\n5\n${root.slice(0, -1)}\n`,
      `o\n5\n${ROOT.toString('base64url')}\n`,
      `o\n5\n${Buffer.alloc(31).toString('base64')}\n`,
      `o\n5\n${root}\n\n`,
      `o\r\n5\n${root}\n`,
    ];
    for (const text of bad) assert.throws(() => parseCheckpoint(text), malformed, JSON.stringify(text));
  });

  test('signs with the origin as key name and opens with the verifier key', async () => {
    const kp = generateKeyPair();
    const note = await signCheckpoint({ origin: ORIGIN, size: 7, rootHash: ROOT }, localSigner(kp));
    const lines = note.split('\n');
    assert.equal(lines.length, 6);
    assert.equal(lines[3], '');
    const sigLine = lines[4] ?? '';
    assert.ok(sigLine.startsWith(`\u2014 ${ORIGIN} `), 'signature line names the origin');
    const sig = b64Decode(sigLine.split(' ')[2] ?? '');
    assert.equal(sig.length, 68);
    assert.equal(sig.readUInt32BE(0), noteKeyId(ORIGIN, kp.publicKeyRaw));
    assert.equal(lines[5], '');

    const verifier = noteVerifier(ORIGIN, kp.publicKeyRaw);
    const { checkpoint } = openCheckpoint(note, [verifier], ORIGIN);
    assert.deepEqual(checkpoint, { origin: ORIGIN, size: 7, rootHash: ROOT });
    assert.throws(() => openCheckpoint(note, [verifier], 'other/log'), malformed);
    assert.throws(
      () => openCheckpoint(note, [noteVerifier(ORIGIN, generateKeyPair().publicKeyRaw)]),
      (err: unknown) => err instanceof NoteError && err.code === 'unverified',
    );
    const forged = note.replace('\n7\n', '\n8\n');
    assert.throws(
      () => openCheckpoint(forged, [verifier]),
      (err: unknown) => err instanceof NoteError && err.code === 'invalid_signature',
    );
  });
});
