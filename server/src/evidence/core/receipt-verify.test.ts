import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { b64urlEncode } from './encoding.js';
import { generateKeyPair, keyPairFromSeed, localSigner, sign } from './keys.js';
import {
  buildReceipt,
  newNonce,
  outputHashOfBytes,
  type Receipt,
  signedBytes,
  signReceipt,
} from './receipt.js';
import { type ReceiptVerification, verifyReceipt } from './receipt-verify.js';

const TS = 1700000000000;
const NOW = TS + 1000;
const KAT =
  '{"version":"TECP-0.1","code_ref":"git:0123abcd","ts":1700000000000,"nonce":"AAECAwQFBgcICQoLDA0ODw",' +
  '"input_hash":"uU0nuZNNPgilLlLX2n2r-sSE7-N6U4DukIj3rOLvzek","output_hash":"3_1gIbsr1bCvZ2KQgJ7DpTGR3YHH9wpLKGiKNiGCmG8",' +
  '"policy_ids":["no_retention"],"pubkey":"TLWr9q15-_WrvMr8wmnYXNJlHtS4hbWGnyQa7fCluik",' +
  '"sig":"GXzGQj3NXQrih96MifrXuWnKiKbDXRuEwN_1NYmI_v6FVG9m39sMdq5GM1ak8eWif6v5rCmaENZ6mE9YMPPKDQ"}';

const kp = generateKeyPair();

async function makeReceipt(): Promise<Receipt> {
  const unsigned = buildReceipt({
    codeRef: 'build:sha256:00ff',
    ts: TS,
    nonce: newNonce(),
    inputHash: outputHashOfBytes(Buffer.from('in')),
    outputHash: outputHashOfBytes(Buffer.from('out')),
    policyIds: ['audit_trail', 'no_retention'],
    publicKey: kp.publicKeyRaw,
    ext: {
      op: 'chat',
      request_id: 'r1',
      subject: 'u1',
      team: '',
      model: 'm',
      backend: 'b',
      prompt_tokens: 0,
      completion_tokens: 0,
      status: 'cancelled',
      log: 'example.com/ai-la/receipts',
    },
  });
  return signReceipt(unsigned, localSigner(kp));
}

/** Re-signs a modified receipt so only the modification under test is wrong. */
function resign(receipt: Record<string, unknown>): Record<string, unknown> {
  return { ...receipt, sig: b64urlEncode(sign(kp.privateKey, signedBytes(receipt))) };
}

function codes(result: ReceiptVerification): string[] {
  return result.errors.map((e) => `${e.code} ${e.field}`);
}

describe('verifyReceipt', () => {
  test('accepts the known-answer vector and a receipt with ext', async () => {
    const kat = verifyReceipt(JSON.parse(KAT), { now: TS });
    assert.deepEqual(kat, {
      valid: true,
      checks: { schema: true, signature: true, time_window: true },
      errors: [],
    });
    const r = await makeReceipt();
    assert.equal(verifyReceipt(r, { now: NOW }).valid, true);
    // Member order in the received JSON does not matter (JCS).
    const reordered = Object.fromEntries(Object.entries(r).reverse());
    assert.equal(verifyReceipt(reordered, { now: NOW }).valid, true);
  });

  test('unsigned TECP extension members do not affect the signature', async () => {
    const r = await makeReceipt();
    const extended = {
      ...r,
      environment: { region: 'eu' },
      key_erasure: { scheme: 'sw-sim' },
      log_inclusion: {},
    };
    assert.equal(verifyReceipt(extended, { now: NOW }).valid, true);
  });

  test('detects tampering of any signed member with E-SIG-002', async () => {
    const r = await makeReceipt();
    const tampered: Array<Record<string, unknown>> = [
      { ...r, code_ref: 'build:sha256:00fe' },
      { ...r, ts: TS + 1 },
      { ...r, policy_ids: ['audit_trail'] },
      { ...r, ext: { ...r.ext, prompt_tokens: 1 } },
      { ...r, extra: 'x' },
    ];
    for (const t of tampered) {
      const result = verifyReceipt(t, { now: NOW });
      assert.equal(result.valid, false);
      assert.equal(result.checks.schema, true);
      assert.equal(result.checks.signature, false);
      assert.deepEqual(codes(result), ['E-SIG-002 sig']);
    }
  });

  test('reports schema errors with TECP codes and fields', async () => {
    const r = (await makeReceipt()) as unknown as Record<string, unknown>;
    const cases: Array<[Record<string, unknown>, string[]]> = [
      [{ ...r, version: undefined }, ['E-SCHEMA-001 version']],
      [{ ...r, version: 'TECP-0.2' }, ['E-SCHEMA-004 version']],
      [{ ...r, ts: '1700000000000' }, ['E-SCHEMA-002 ts']],
      [{ ...r, ts: 1.5 }, ['E-TS-001 ts']],
      [{ ...r, nonce: `${r.nonce}=` }, ['E-SCHEMA-003 nonce']],
      [{ ...r, input_hash: 'AAAA' }, ['E-SCHEMA-003 input_hash']],
      [{ ...r, output_hash: String(r.output_hash).replace(/[-_]/g, '+') }, ['E-SCHEMA-003 output_hash']],
      [{ ...r, policy_ids: ['no_retention', 'audit_trail'] }, ['E-SCHEMA-003 policy_ids[1]']],
      [{ ...r, policy_ids: ['audit_trail', 'audit_trail'] }, ['E-SCHEMA-003 policy_ids[1]']],
      [{ ...r, policy_ids: 'audit_trail' }, ['E-SCHEMA-002 policy_ids']],
      [{ ...r, pubkey: 'abc' }, ['E-SIG-003 pubkey']],
      [{ ...r, ext: { ...(r.ext as object), kid: 'x' } }, ['E-SCHEMA-003 ext.kid']],
      [{ ...r, ext: { ...(r.ext as object), op: 'train' } }, ['E-SCHEMA-003 ext.op']],
      [{ ...r, ext: { ...(r.ext as object), status: undefined } }, ['E-SCHEMA-001 ext.status']],
      [
        { ...r, ext: { ...(r.ext as object), completion_tokens: -1 } },
        ['E-SCHEMA-002 ext.completion_tokens'],
      ],
      [{ ...r, ext: { ...(r.ext as object), Upper: 'x' } }, ['E-SCHEMA-003 ext.Upper']],
      [{ ...r, ext: { ...(r.ext as object), ratio: 0.5 } }, ['E-SCHEMA-003 ext.ratio']],
      [{ ...r, ext: { ...(r.ext as object), gone: null } }, ['E-SCHEMA-003 ext.gone']],
      [{ ...r, ext: [] }, ['E-SCHEMA-002 ext']],
    ];
    for (const [receipt, expected] of cases) {
      const result = verifyReceipt(resign(receipt), { now: NOW });
      assert.deepEqual(codes(result), expected, JSON.stringify(expected));
      assert.equal(result.valid, false);
      assert.equal(result.checks.schema, false);
    }
    const noSig = verifyReceipt({ ...r, sig: undefined }, { now: NOW });
    assert.deepEqual(codes(noSig), ['E-SCHEMA-001 sig']);
    assert.equal(noSig.checks.signature, false);
    assert.deepEqual(codes(verifyReceipt({ ...r, sig: 'AAAA' }, { now: NOW })), ['E-SIG-001 sig']);
    assert.deepEqual(codes(verifyReceipt([], { now: NOW })), ['E-SCHEMA-002 ']);
    assert.deepEqual(codes(verifyReceipt(null, { now: NOW })), ['E-SCHEMA-002 ']);
  });

  test('fresh mode applies the TECP time window', async () => {
    const r = await makeReceipt();
    const day = 24 * 60 * 60 * 1000;
    assert.equal(verifyReceipt(r, { now: TS + day }).valid, true);
    assert.deepEqual(codes(verifyReceipt(r, { now: TS + day + 1 })), ['E-TS-003 ts']);
    assert.equal(verifyReceipt(r, { now: TS - 120_000 }).valid, true);
    const future = verifyReceipt(r, { now: TS - 120_001 });
    assert.deepEqual(codes(future), ['E-TS-002 ts']);
    assert.equal(future.checks.time_window, false);
    assert.equal(future.checks.signature, true);
    assert.equal(verifyReceipt(r, { now: TS + 10_000, maxAgeMs: 5_000 }).valid, false);
  });

  test('archival mode ignores age and pins the key set with validity windows', async () => {
    const r = await makeReceipt();
    const later = TS + 365 * 24 * 60 * 60 * 1000;
    const pinned = [{ publicKey: r.pubkey, nbf: TS - 1, exp: TS + 1 }];
    const ok = verifyReceipt(r, { archival: true, keys: pinned, now: later });
    assert.deepEqual(ok, {
      valid: true,
      checks: { schema: true, signature: true, key_known: true },
      errors: [],
    });
    assert.equal(verifyReceipt(r, { archival: true, keys: [{ publicKey: kp.publicKeyRaw }] }).valid, true);

    const other = keyPairFromSeed(Buffer.alloc(32, 9));
    const unknown = verifyReceipt(r, { archival: true, keys: [{ publicKey: other.publicKeyRaw }] });
    assert.deepEqual(codes(unknown), ['E-SIG-002 pubkey']);
    assert.equal(unknown.checks.key_known, false);
    assert.equal(unknown.checks.signature, true);

    const expired = verifyReceipt(r, { archival: true, keys: [{ publicKey: r.pubkey, exp: TS }] });
    assert.deepEqual(codes(expired), ['E-SIG-002 ts']);
    const notYet = verifyReceipt(r, { archival: true, keys: [{ publicKey: r.pubkey, nbf: TS + 1 }] });
    assert.deepEqual(codes(notYet), ['E-SIG-002 ts']);

    assert.throws(() => verifyReceipt(r, { archival: true }), TypeError);
  });
});
