/**
 * The browser's evidence checks (admin-ui/src/evidence) against the appliance's own evidence core:
 * the EVIDENCE.md §1.1 known-answer vector, JCS on tricky values, RFC 9162 inclusion proofs for
 * every leaf of several trees, and signed checkpoints. Both sides must agree byte for byte.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as core from '../../server/src/evidence/core/index.js';
import { b64Decode, b64Encode, b64urlDecode, b64urlEncode } from '../src/evidence/base64.js';
import { verifyConsistency } from '../src/evidence/consistency.js';
import { verifyReceiptInclusion } from '../src/evidence/inclusion.js';
import { canonicalize } from '../src/evidence/jcs.js';
import { leafHash, rootFromInclusionProof } from '../src/evidence/merkle.js';
import { parseVerifierKey, verifyCheckpoint } from '../src/evidence/note.js';
import { type Receipt, signedText, verifyReceiptLocally } from '../src/evidence/receipt.js';
import { parseTlogProof } from '../src/evidence/tlog-proof.js';

const KNOWN_ANSWER =
  '{"version":"TECP-0.1","code_ref":"git:0123abcd","ts":1700000000000,"nonce":"AAECAwQFBgcICQoLDA0ODw","input_hash":"uU0nuZNNPgilLlLX2n2r-sSE7-N6U4DukIj3rOLvzek","output_hash":"3_1gIbsr1bCvZ2KQgJ7DpTGR3YHH9wpLKGiKNiGCmG8","policy_ids":["no_retention"],"pubkey":"TLWr9q15-_WrvMr8wmnYXNJlHtS4hbWGnyQa7fCluik","sig":"GXzGQj3NXQrih96MifrXuWnKiKbDXRuEwN_1NYmI_v6FVG9m39sMdq5GM1ak8eWif6v5rCmaENZ6mE9YMPPKDQ"}';

const seed = (last: number) => Uint8Array.from({ length: 32 }, (_, i) => (i === 31 ? last : 0));

async function signedReceipt(index: number, origin: string): Promise<Receipt> {
  const keys = core.keyPairFromSeed(seed(7));
  const unsigned = core.buildReceipt({
    codeRef: 'build:sha256:00ff',
    ts: 1_700_000_000_000 + index,
    nonce: Uint8Array.from({ length: 16 }, (_, i) => i + index),
    inputHash: core.sha256B64url(Buffer.from(`in ${index}`)),
    outputHash: core.sha256B64url(Buffer.from(`out ${index} ✓`)),
    policyIds: ['no_retention', 'audit_trail'],
    publicKey: keys.publicKeyRaw,
    ext: {
      op: 'chat_completions',
      request_id: '0b6c1a2e-8f00-4a53-9d0e-5f7f1f0c0a01',
      subject: '6f1c2a8e-3b4d-4e5f-8a9b-0c1d2e3f4a03',
      team: '',
      model: 'qwen2.5-coder-7b',
      backend: 'sim-0',
      prompt_tokens: 12 + index,
      completion_tokens: 40,
      status: 'ok',
      log: origin,
    },
  });
  return (await core.signReceipt(unsigned, core.localSigner(keys))) as unknown as Receipt;
}

describe('JCS (RFC 8785)', () => {
  test('the known-answer receipt canonicalizes as on the server, members sorted', () => {
    const text = canonicalize(JSON.parse(KNOWN_ANSWER));
    assert.equal(text, core.canonicalize(JSON.parse(KNOWN_ANSWER)));
    assert.ok(text.startsWith('{"code_ref":"git:0123abcd","input_hash":'));
  });

  test('agrees with the server on escapes, key order, numbers and Unicode', () => {
    const values: unknown[] = [
      { b: 1, a: [true, false, null], é: 'x', '\u20ac': 'euro', '\ud83d\ude00': 'smile', a_b: 'c' },
      { text: 'line\nbreak\t"quoted" \\ \u0001 \u001f \u007f \u2028 😀' },
      { n: [0, -0, 1e21, 1e-7, 123.456, -5, 2 ** 53 - 1, 0.1 + 0.2] },
      [[], {}, '', 'z'],
      'plain',
    ];
    for (const value of values) assert.equal(canonicalize(value), core.canonicalize(value));
  });

  test('refuses what JSON cannot carry exactly', () => {
    assert.throws(() => canonicalize({ x: Number.NaN }), /not finite/);
    assert.throws(() => canonicalize({ x: '\ud800' }), /lone surrogate/);
    assert.throws(() => canonicalize(new Date()), /plain object/);
  });
});

describe('receipt signature in the browser', () => {
  test('verifies the EVIDENCE.md §1.1 known-answer vector', async () => {
    const receipt = JSON.parse(KNOWN_ANSWER) as Receipt;
    const check = await verifyReceiptLocally(receipt);
    assert.deepEqual(check, { signature: true, kid: true, problems: [] });
  });

  test('verifies a receipt with ext and notices tampering with a signed or the kid member', async () => {
    const receipt = await signedReceipt(3, 'ai-la.test/ai-la/receipts');
    assert.equal(signedText(receipt), core.signedBytes(receipt).toString('utf8'));
    assert.deepEqual(await verifyReceiptLocally(receipt), { signature: true, kid: true, problems: [] });
    assert.ok(receipt.ext);
    const tampered = { ...receipt, ext: { ...receipt.ext, completion_tokens: 41 } };
    assert.equal((await verifyReceiptLocally(tampered)).signature, false);
    const wrongKid = { ...receipt, ext: { ...receipt.ext, kid: core.kidOf(seed(9)) } };
    const kidCheck = await verifyReceiptLocally(wrongKid);
    assert.equal(kidCheck.kid, false);
    assert.equal(kidCheck.signature, false);
    const unsignedMember = { ...receipt, log_inclusion: { index: 5 } };
    assert.equal((await verifyReceiptLocally(unsignedMember)).signature, true);
    const badSig = await verifyReceiptLocally({ ...receipt, sig: 'AAAA' });
    assert.equal(badSig.signature, false);
    assert.match(badSig.problems.join(), /sig is 3 bytes/);
  });
});

describe('base64', () => {
  test('round-trips and refuses non-canonical text like the server', () => {
    for (let n = 0; n < 40; n++) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 37 + n) & 0xff);
      assert.equal(b64Encode(bytes), core.b64Encode(bytes));
      assert.equal(b64urlEncode(bytes), core.b64urlEncode(bytes));
      assert.deepEqual(b64Decode(b64Encode(bytes)), bytes);
      assert.deepEqual(b64urlDecode(b64urlEncode(bytes)), bytes);
    }
    assert.throws(() => b64Decode('QQ'));
    assert.throws(() => b64Decode('QR=='));
    assert.throws(() => b64urlDecode('QQ=='));
    assert.throws(() => b64urlDecode('QR'));
  });
});

describe('RFC 9162 inclusion proofs and checkpoints', () => {
  test('every leaf of trees of 1 to 33 leaves proves into the server-computed root', async () => {
    for (let size = 1; size <= 33; size++) {
      const leaves = Array.from({ length: size }, (_, i) => core.leafHash(Buffer.from(`leaf ${i}`)));
      const root = core.rootOf(leaves);
      for (let index = 0; index < size; index++) {
        const proof = core.inclusionProofOf(index, leaves);
        const leaf = await leafHash(new TextEncoder().encode(`leaf ${index}`));
        assert.deepEqual(Buffer.from(leaf), leaves[index]);
        const computed = await rootFromInclusionProof(index, size, leaf, proof);
        assert.ok(computed && Buffer.from(computed).equals(root), `size ${size} index ${index}`);
        if (size > 1) {
          assert.equal(await rootFromInclusionProof(index, size + 1, leaf, proof.slice(1)), null);
        }
      }
    }
  });

  test('a receipt in a signed checkpoint verifies; a wrong key, root or origin does not', async () => {
    const origin = 'ai-la.test/ai-la/receipts';
    const receipts = await Promise.all([0, 1, 2, 3, 4].map((i) => signedReceipt(i, origin)));
    const leaves = receipts.map((r) => core.leafHash(core.receiptLeafData(r as unknown as core.Receipt)));
    const logKey = core.keyPairFromSeed(seed(11));
    const note = await core.signCheckpoint(
      { origin, size: leaves.length, rootHash: core.rootOf(leaves) },
      core.localSigner(logKey),
    );
    const vkey = core.formatVerifierKey(origin, logKey.publicKeyRaw);
    const parsed = await parseVerifierKey(vkey);
    assert.equal(parsed.keyId, core.noteKeyId(origin, logKey.publicKeyRaw));

    const cp = await verifyCheckpoint(note, vkey);
    assert.equal(cp.signatureValid, true);
    assert.equal(cp.checkpoint.size, 5);

    const proof = (index: number) => ({
      index,
      size: leaves.length,
      hashes: core.inclusionProofOf(index, leaves).map((h) => core.b64Encode(h)),
      checkpoint: note,
    });
    const target = receipts[3] as Receipt;
    const good = await verifyReceiptInclusion(target, proof(3), vkey);
    assert.equal(good.ok, true, good.problems.join('; '));
    assert.equal(good.computedRoot, core.b64Encode(core.rootOf(leaves)));

    const wrongIndex = await verifyReceiptInclusion(target, proof(2), vkey);
    assert.equal(wrongIndex.ok, false);
    assert.equal(wrongIndex.rootMatches, false);

    const otherKey = core.formatVerifierKey(origin, core.keyPairFromSeed(seed(12)).publicKeyRaw);
    const unsigned = await verifyReceiptInclusion(target, proof(3), otherKey);
    assert.equal(unsigned.ok, false);
    assert.match(unsigned.problems.join(), /no signature by the log key/);

    const forged = note.replace(/\n5\n/, '\n6\n');
    const forgedCheck = await verifyReceiptInclusion(target, { ...proof(3), checkpoint: forged }, vkey);
    assert.equal(forgedCheck.checkpointSignature, false);

    const elsewhere = await signedReceipt(3, 'other.test/ai-la/receipts');
    const originCheck = await verifyReceiptInclusion(elsewhere, proof(3), vkey);
    assert.equal(originCheck.ok, false);
  });
});

describe('proof texts and consistency proofs', () => {
  test('a c2sp.org/tlog-proof@v1 text from the server parses into the same proof', async () => {
    const origin = 'ai-la.test/ai-la/audit';
    const leaves = Array.from({ length: 11 }, (_, i) => core.leafHash(Buffer.from(`event ${i}`)));
    const key = core.keyPairFromSeed(seed(21));
    const checkpoint = await core.signCheckpoint(
      { origin, size: leaves.length, rootHash: core.rootOf(leaves) },
      core.localSigner(key),
    );
    for (const index of [0, 5, 10]) {
      const hashes = core.inclusionProofOf(index, leaves);
      const text = core.formatTlogProof({ index, hashes, checkpoint });
      assert.deepEqual(parseTlogProof(text), {
        index,
        size: 11,
        hashes: hashes.map((h) => core.b64Encode(h)),
        checkpoint,
      });
    }
    const single = core.formatTlogProof({ index: 0, hashes: [], checkpoint });
    assert.deepEqual(parseTlogProof(single).hashes, []);
    assert.throws(() => parseTlogProof('not a proof\n'));
  });

  test('RFC 9162 consistency proofs between every pair of sizes up to 20 verify like the server', async () => {
    const leaves = Array.from({ length: 20 }, (_, i) => core.leafHash(Buffer.from(`leaf ${i}`)));
    for (let n = 1; n <= 20; n++) {
      const newRoot = core.rootOf(leaves.slice(0, n));
      for (let m = 0; m <= n; m++) {
        const oldRoot = m === 0 ? core.EMPTY_ROOT : core.rootOf(leaves.slice(0, m));
        const proof = core.consistencyProofOf(m, leaves.slice(0, n));
        assert.equal(await verifyConsistency(m, n, oldRoot, newRoot, proof), true, `${m} -> ${n}`);
        if (m > 0 && m < n) {
          const forged = Buffer.from(oldRoot);
          forged[0] = (forged[0] ?? 0) ^ 1;
          assert.equal(await verifyConsistency(m, n, forged, newRoot, proof), false, `forged ${m} -> ${n}`);
        }
      }
    }
  });
});
