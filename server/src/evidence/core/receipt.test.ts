import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import { canonicalize } from './jcs.js';
import { type Ed25519Signer, generateKeyPair, keyPairFromSeed, kidOf, localSigner } from './keys.js';
import {
  buildReceipt,
  createStreamHasher,
  inputHashOfBytes,
  inputHashOfJson,
  newNonce,
  outputHashOfBytes,
  outputHashOfJson,
  type Receipt,
  receiptLeafData,
  signedBytes,
  signReceipt,
} from './receipt.js';

/** EVIDENCE.md §1.1 known-answer vector. */
const KAT =
  '{"version":"TECP-0.1","code_ref":"git:0123abcd","ts":1700000000000,"nonce":"AAECAwQFBgcICQoLDA0ODw",' +
  '"input_hash":"uU0nuZNNPgilLlLX2n2r-sSE7-N6U4DukIj3rOLvzek","output_hash":"3_1gIbsr1bCvZ2KQgJ7DpTGR3YHH9wpLKGiKNiGCmG8",' +
  '"policy_ids":["no_retention"],"pubkey":"TLWr9q15-_WrvMr8wmnYXNJlHtS4hbWGnyQa7fCluik",' +
  '"sig":"GXzGQj3NXQrih96MifrXuWnKiKbDXRuEwN_1NYmI_v6FVG9m39sMdq5GM1ak8eWif6v5rCmaENZ6mE9YMPPKDQ"}';

function katSeed(): Buffer {
  const seed = Buffer.alloc(32);
  seed[31] = 1;
  return seed;
}

const EXT = {
  op: 'chat_completions',
  request_id: '5b0c2c1e-8f2a-4f7e-9d37-0d1f6f2b8a11',
  subject: '0e6f1f7a-1b2c-4d3e-8f90-a1b2c3d4e5f6',
  team: '',
  model: 'qwen2.5-coder-32b',
  backend: 'vllm-a',
  prompt_tokens: 12,
  completion_tokens: 34,
  status: 'ok',
  log: 'ai-la.example.com/ai-la/receipts',
} as const;

describe('TECP receipts', () => {
  test('reproduces the EVIDENCE.md §1.1 known-answer vector byte for byte', async () => {
    const kp = keyPairFromSeed(katSeed());
    const unsigned = buildReceipt({
      codeRef: 'git:0123abcd',
      ts: 1700000000000,
      nonce: Buffer.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]),
      inputHash: inputHashOfBytes(Buffer.from('hello world')),
      outputHash: outputHashOfBytes(Buffer.from('Hello, World!')),
      policyIds: ['no_retention'],
      publicKey: kp.publicKeyRaw,
    });
    const receipt = await signReceipt(unsigned, localSigner(kp));
    assert.equal(JSON.stringify(receipt), KAT);
    assert.equal(
      signedBytes(receipt).toString('utf8'),
      canonicalize({ ...receipt, sig: undefined }),
      'signed bytes are the JCS of the receipt without sig',
    );
  });

  test('builds ext with kid, sorts policy ids and signs ext', async () => {
    const kp = generateKeyPair();
    const unsigned = buildReceipt({
      codeRef: 'build:sha256:abcd',
      ts: 1700000000001,
      nonce: newNonce(),
      inputHash: inputHashOfJson({ model: 'm', messages: [] }),
      outputHash: outputHashOfJson({ id: 'x' }),
      policyIds: ['no_retention', 'audit_trail', 'no_model_training'],
      publicKey: kp.publicKeyRaw,
      ext: { ...EXT, project: 'p1' },
    });
    assert.deepEqual(unsigned.policy_ids, ['audit_trail', 'no_model_training', 'no_retention']);
    assert.equal(unsigned.ext?.kid, kidOf(kp.publicKeyRaw));
    assert.deepEqual(Object.keys(unsigned.ext ?? {}).slice(0, 2), ['kid', 'op']);
    assert.equal(unsigned.ext?.project, 'p1');
    assert.equal('task' in (unsigned.ext ?? {}), false);
    const receipt = await signReceipt(unsigned, localSigner(kp));
    assert.match(signedBytes(receipt).toString(), /"ext":\{"backend":"vllm-a","completion_tokens":34,/);
    assert.deepEqual(Object.keys(receipt).at(-1), 'sig');
  });

  test('signed bytes equal the TECP reference canonicalizer output (locale-ordered keys)', async () => {
    // The TECP reference verifier sorts keys with localeCompare('en', { sensitivity: 'case' })
    // and serializes with JSON.stringify; EVIDENCE.md §1 key rules make both orders agree.
    const reference = (v: unknown): unknown => {
      if (Array.isArray(v)) return v.map(reference);
      if (v === null || typeof v !== 'object') return v;
      const obj = v as Record<string, unknown>;
      const keys = Object.keys(obj).sort((a, b) => a.localeCompare(b, 'en', { sensitivity: 'case' }));
      return Object.fromEntries(keys.map((k) => [k, reference(obj[k])]));
    };
    const kp = generateKeyPair();
    const unsigned = buildReceipt({
      codeRef: 'build:sha256:abcd',
      ts: 1700000000002,
      nonce: newNonce(),
      inputHash: inputHashOfBytes(Buffer.from('i')),
      outputHash: outputHashOfBytes(Buffer.from('o')),
      policyIds: ['no_retention', 'audit_trail', 'key_erasure', 'no_model_training'],
      publicKey: kp.publicKeyRaw,
      ext: { ...EXT, project: 'p', task: 't' },
    });
    const { sig: _sig, ...core } = await signReceipt(unsigned, localSigner(kp));
    assert.equal(signedBytes(core).toString('utf8'), JSON.stringify(reference(core)));
  });

  test('buildReceipt rejects invalid parameters', () => {
    const kp = generateKeyPair();
    const base = {
      codeRef: 'git:1',
      ts: 1,
      nonce: newNonce(),
      inputHash: inputHashOfBytes(Buffer.alloc(0)),
      outputHash: outputHashOfBytes(Buffer.alloc(0)),
      policyIds: [] as const,
      publicKey: kp.publicKeyRaw,
    };
    assert.doesNotThrow(() => buildReceipt(base));
    assert.throws(() => buildReceipt({ ...base, ts: 1.5 }), /ts/);
    assert.throws(() => buildReceipt({ ...base, ts: 0 }), /ts/);
    assert.throws(() => buildReceipt({ ...base, nonce: Buffer.alloc(15) }), /nonce/);
    assert.throws(() => buildReceipt({ ...base, codeRef: '' }), /codeRef/);
    assert.throws(() => buildReceipt({ ...base, inputHash: 'abc' }));
    assert.throws(() => buildReceipt({ ...base, policyIds: ['no_retention', 'no_retention'] }), /duplicate/);
    // @ts-expect-error: unknown policy ids are rejected at runtime too
    assert.throws(() => buildReceipt({ ...base, policyIds: ['made_up'] }), /unknown policy/);
    assert.throws(() => buildReceipt({ ...base, ext: { ...EXT, prompt_tokens: 1.5 } }), /prompt_tokens/);
    // @ts-expect-error: unknown op
    assert.throws(() => buildReceipt({ ...base, ext: { ...EXT, op: 'train' } }), /op/);
    assert.throws(() => buildReceipt({ ...base, ext: { ...EXT, subject: '' } }), /subject/);
  });

  test('signReceipt refuses a signer with another key or a bad signature', async () => {
    const kp = generateKeyPair();
    const unsigned = buildReceipt({
      codeRef: 'git:1',
      ts: 1,
      nonce: newNonce(),
      inputHash: inputHashOfBytes(Buffer.alloc(0)),
      outputHash: inputHashOfBytes(Buffer.alloc(0)),
      policyIds: [],
      publicKey: kp.publicKeyRaw,
    });
    await assert.rejects(signReceipt(unsigned, localSigner(generateKeyPair())), /does not match/);
    const broken: Ed25519Signer = { publicKey: kp.publicKeyRaw, sign: async () => Buffer.alloc(64) };
    await assert.rejects(signReceipt(unsigned, broken), /invalid Ed25519 signature/);
  });

  test('hash helpers follow EVIDENCE.md §1', () => {
    const sha = (b: Buffer | string): string => createHash('sha256').update(b).digest('base64url');
    assert.equal(inputHashOfJson({ b: 1, a: [1.5, 'x'] }), sha('{"a":[1.5,"x"],"b":1}'));
    assert.equal(inputHashOfBytes(Buffer.from('raw')), sha('raw'));
    assert.equal(
      outputHashOfJson({ id: 'c', tecp_receipt: { x: 1 }, choices: [] }),
      sha('{"choices":[],"id":"c"}'),
    );
    assert.equal(outputHashOfJson([1]), sha('[1]'));
    const hasher = createStreamHasher();
    hasher.update('data: {"a":"€"}\n\n');
    hasher.update(Buffer.from('data: [DONE]\n\n'));
    assert.equal(hasher.digest(), sha('data: {"a":"€"}\n\ndata: [DONE]\n\n'));
  });

  test('leaf data is the JCS of the receipt without log_inclusion only', () => {
    const receipt = JSON.parse(KAT) as Receipt;
    const withExtras = { ...receipt, log_inclusion: { leaf_index: 1 }, environment: { region: 'x' } };
    assert.equal(
      receiptLeafData(withExtras).toString(),
      canonicalize({ ...receipt, environment: { region: 'x' } }),
    );
    assert.deepEqual(signedBytes(withExtras), signedBytes(receipt));
  });
});
