import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type Checkpoint, openCheckpoint, signCheckpoint } from './checkpoint.js';
import { CompactTree } from './compact-tree.js';
import { generateKeyPair, localSigner } from './keys.js';
import { consistencyProofOf, inclusionProofOf, leafHash } from './merkle.js';
import { noteVerifier } from './note.js';
import {
  formatConsistencyProof,
  formatInclusionBlock,
  formatInclusionBlocks,
  formatTlogProof,
  INCLUSION_BLOCK_SEPARATOR,
  InclusionBlockParser,
  ProofFormatError,
  parseConsistencyProof,
  parseInclusionBlockStream,
  parseInclusionBlocks,
  parseTlogProof,
  TLOG_PROOF_HEADER,
  tlogProofBytes,
} from './proof-text.js';
import {
  checkConsistencyText,
  checkInclusionBlock,
  ProofVerificationError,
  verifyTlogProof,
} from './proof-verify.js';

const h = (s: string): Buffer => leafHash(Buffer.from(s));
const A = h('a');
const B = h('b');
const CP =
  'example.com/log\n3\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n\n\u2014 example.com/log AAAAAAA=\n';

function formatError(err: unknown): boolean {
  return err instanceof ProofFormatError;
}

describe('tlog-proof@v1', () => {
  test('formats and parses, with and without extra data', () => {
    const text = formatTlogProof({ index: 2, hashes: [A, B], checkpoint: CP });
    assert.equal(
      text,
      `${TLOG_PROOF_HEADER}\nindex 2\n${A.toString('base64')}\n${B.toString('base64')}\n\n${CP}`,
    );
    assert.deepEqual(parseTlogProof(text), { index: 2, hashes: [A, B], checkpoint: CP });
    const withExtra = formatTlogProof({ index: 0, hashes: [], checkpoint: CP, extra: Buffer.from('x') });
    assert.equal(withExtra, `${TLOG_PROOF_HEADER}\nextra eA==\nindex 0\n\n${CP}`);
    assert.deepEqual(parseTlogProof(withExtra), {
      index: 0,
      hashes: [],
      checkpoint: CP,
      extra: Buffer.from('x'),
    });
  });

  test('rejects malformed proofs', () => {
    const a = A.toString('base64');
    const bad = [
      `c2sp.org/tlog-proof@v2\nindex 1\n\n${CP}`,
      `${TLOG_PROOF_HEADER}\nindex 01\n\n${CP}`,
      `${TLOG_PROOF_HEADER}\nindex -1\n\n${CP}`,
      `${TLOG_PROOF_HEADER}\nindex  1\n\n${CP}`,
      `${TLOG_PROOF_HEADER}\nidx 1\n\n${CP}`,
      `${TLOG_PROOF_HEADER}\nindex 1\n${a.slice(1)}\n\n${CP}`,
      `${TLOG_PROOF_HEADER}\nindex 1\n${a}\n`,
      `${TLOG_PROOF_HEADER}\nindex 1\n${a}\n\n`,
      `${TLOG_PROOF_HEADER}\nindex 1\n${a}\n\n${CP.slice(0, -1)}`,
      `${TLOG_PROOF_HEADER}\nextra !!\nindex 1\n\n${CP}`,
      `${TLOG_PROOF_HEADER}\r\nindex 1\n\n${CP}`,
    ];
    for (const text of bad) assert.throws(() => parseTlogProof(text), formatError, JSON.stringify(text));
    assert.throws(() => formatTlogProof({ index: 1, hashes: [A.subarray(1)], checkpoint: CP }), formatError);
    assert.throws(() => formatTlogProof({ index: -1, hashes: [], checkpoint: CP }), formatError);
  });

  test('written as bytes, the same text as formatted', () => {
    const note = Buffer.from(CP, 'utf8');
    for (const hashes of [[], [A], [A, B, A.subarray(0, 32)]]) {
      for (const index of [0, 2, 9007199254740990]) {
        const bytes = tlogProofBytes(index, hashes, note);
        assert.equal(bytes.toString('utf8'), formatTlogProof({ index, hashes, checkpoint: CP }));
      }
    }
    assert.throws(() => tlogProofBytes(1, [A.subarray(1)], note), formatError);
    assert.throws(() => tlogProofBytes(-1, [], note), formatError);
    assert.throws(() => tlogProofBytes(1, [], note.subarray(0, -1)), formatError);
  });
});

describe('inclusion proof blocks', () => {
  const blocks = [
    { index: 0, hashes: [] },
    { index: 1, hashes: [A] },
    { index: 12, hashes: [A, B, A] },
  ];
  const text = formatInclusionBlocks(blocks);

  test('format: blocks separated by exactly one empty line, no trailing empty line', () => {
    assert.equal(
      text,
      `index 0\n\nindex 1\n${A.toString('base64')}\n\nindex 12\n${[A, B, A].map((x) => `${x.toString('base64')}\n`).join('')}`,
    );
    assert.equal(
      blocks.map(formatInclusionBlock).join(INCLUSION_BLOCK_SEPARATOR),
      text,
      'streaming writers produce the same bytes',
    );
    assert.deepEqual(parseInclusionBlocks(text), blocks);
    assert.deepEqual(parseInclusionBlocks(''), []);
  });

  test('parses incrementally from chunks of any size', async () => {
    for (const size of [1, 2, 7, 45, text.length]) {
      const parser = new InclusionBlockParser();
      const out = [];
      for (let i = 0; i < text.length; i += size) out.push(...parser.push(text.slice(i, i + size)));
      out.push(...parser.end());
      assert.deepEqual(out, blocks, `chunk size ${size}`);
      async function* bytes(): AsyncGenerator<Uint8Array> {
        const buf = Buffer.from(text);
        for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size);
      }
      const streamed = [];
      for await (const block of parseInclusionBlockStream(bytes())) streamed.push(block);
      assert.deepEqual(streamed, blocks);
    }
  });

  test('rejects malformed block files', async () => {
    const a = A.toString('base64');
    const bad = [
      `index 0\n\n`,
      `index 0\n\n\nindex 1\n`,
      `index 0\nindex 1\n`,
      `${a}\n`,
      `\nindex 0\n`,
      `index 0\n${a}`,
      `index 00\n`,
      `index 0\n${a}=\n`,
      `index 0\n${A.toString('base64url')}\n`,
    ];
    for (const t of bad) assert.throws(() => parseInclusionBlocks(t), formatError, JSON.stringify(t));
    async function* invalid(): AsyncGenerator<Uint8Array> {
      yield Buffer.from([0x69, 0xff, 0x0a]);
    }
    await assert.rejects(async () => {
      for await (const _ of parseInclusionBlockStream(invalid())) {
        // drain
      }
    }, formatError);
  });
});

describe('consistency proof text', () => {
  test('formats and parses, M = 0 and M = N have no hash lines', () => {
    assert.equal(formatConsistencyProof({ oldSize: 0, hashes: [] }), 'old 0\n');
    const text = formatConsistencyProof({ oldSize: 4, hashes: [A, B] });
    assert.equal(text, `old 4\n${A.toString('base64')}\n${B.toString('base64')}\n`);
    assert.deepEqual(parseConsistencyProof(text), { oldSize: 4, hashes: [A, B] });
    assert.deepEqual(parseConsistencyProof('old 0\n'), { oldSize: 0, hashes: [] });
    for (const t of ['old 4', 'old 04\n', 'new 4\n', `old 4\n\n`, `old 4\n${A.toString('base64')}\n\n`, '']) {
      assert.throws(() => parseConsistencyProof(t), formatError, JSON.stringify(t));
    }
  });
});

describe('end-to-end proof verification', () => {
  test('tlog-proof, bundle blocks and consistency proofs against signed checkpoints', async () => {
    const origin = 'ai-la.example.com/ai-la/receipts';
    const kp = generateKeyPair();
    const verifiers = [noteVerifier(origin, kp.publicKeyRaw)];
    const data = Array.from({ length: 11 }, (_, i) => Buffer.from(`{"n":${i}}`));
    const leaves = data.map((d) => leafHash(d));
    const tree = new CompactTree();
    const notes: string[] = [];
    const cps: Checkpoint[] = [];
    for (let n = 0; n <= data.length; n++) {
      if (n > 0) tree.appendData(data[n - 1] as Buffer);
      notes.push(await signCheckpoint({ origin, size: n, rootHash: tree.root() }, localSigner(kp)));
      cps.push(openCheckpoint(notes[n] as string, verifiers, origin).checkpoint);
    }
    const last = data.length;
    for (let i = 0; i < last; i++) {
      const text = formatTlogProof({
        index: i,
        hashes: inclusionProofOf(i, leaves),
        checkpoint: notes[last] as string,
      });
      assert.equal(verifyTlogProof(text, data[i] as Buffer, verifiers, origin).index, i);
      assert.throws(
        () => verifyTlogProof(text, Buffer.from('other'), verifiers, origin),
        ProofVerificationError,
      );
    }
    const blocks = parseInclusionBlocks(
      formatInclusionBlocks(leaves.map((_, i) => ({ index: i, hashes: inclusionProofOf(i, leaves) }))),
    );
    blocks.forEach((b, i) => {
      checkInclusionBlock(b, data[i] as Buffer, cps[last] as Checkpoint);
    });
    assert.throws(() => checkInclusionBlock(blocks[0] as never, data[1] as Buffer, cps[last] as Checkpoint));

    for (let m = 0; m <= last; m++) {
      const text = formatConsistencyProof({ oldSize: m, hashes: consistencyProofOf(m, leaves) });
      checkConsistencyText(text, cps[m] as Checkpoint, cps[last] as Checkpoint);
    }
    const proof4 = formatConsistencyProof({ oldSize: 4, hashes: consistencyProofOf(4, leaves) });
    assert.throws(
      () => checkConsistencyText(proof4, cps[5] as Checkpoint, cps[last] as Checkpoint),
      ProofVerificationError,
    );
    const rewritten = { ...(cps[4] as Checkpoint), rootHash: leafHash(Buffer.from('rewritten')) };
    assert.throws(
      () => checkConsistencyText(proof4, rewritten, cps[last] as Checkpoint),
      ProofVerificationError,
    );
  });
});
