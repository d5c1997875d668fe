import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import {
  canonicalBytes,
  keyPairFromSeed,
  kidOf,
  localSigner,
  type Receipt,
  receiptLeafData,
  verifyReceipt,
} from './core/index.js';
import { leafDataOf, type OperationInput, ReceiptService } from './receipt-service.js';

const pair = keyPairFromSeed(Buffer.alloc(32, 9));
const key = {
  kid: kidOf(pair.publicKeyRaw),
  publicKey: pair.publicKeyRaw,
  privateKey: pair.privateKey,
  signer: localSigner(pair),
};

function service(stored: Buffer[], overrides: { noModelTraining?: boolean } = {}) {
  return new ReceiptService({
    codeRef: 'build:sha256:0123',
    receiptsLog: { name: 'receipts', id: 1, origin: 'ai-la.example.com/ai-la/receipts' },
    key: () => key,
    appender: { append: async (leaf) => stored.push(leaf.data) },
    noModelTraining: overrides.noModelTraining ?? true,
    now: () => 1700000000123,
  });
}

const op = (overrides: Partial<OperationInput> = {}): OperationInput => ({
  op: 'chat_completions',
  requestId: randomUUID(),
  subject: randomUUID(),
  team: '',
  model: 'm',
  backend: 'b',
  promptTokens: 1,
  completionTokens: 2,
  status: 'ok',
  inputHash: Buffer.alloc(32, 1),
  outputHash: Buffer.alloc(32, 2),
  ...overrides,
});

describe('receipt service', () => {
  test('the stored leaf is exactly the JCS of the signed receipt, which verifies', async () => {
    const stored: Buffer[] = [];
    const s = service(stored);
    for (const o of [
      op(),
      op({ team: randomUUID(), project: 'p1', task: 't "quoted"', status: 'cancelled' }),
    ]) {
      const { receipt, id } = await s.record(o);
      assert.equal(id, `p${stored.length}`);
      assert.ok(stored.at(-1)?.equals(canonicalBytes(receipt)));
      const check = verifyReceipt(receipt, { archival: true, keys: [{ publicKey: key.publicKey }] });
      assert.equal(check.valid, true, JSON.stringify(check.errors));
    }
  });

  test('leafDataOf falls back to a full serialization for receipts of another shape', () => {
    const receipt = { version: 'TECP-0.1', ts: 5, sig: 'x', log_inclusion: {} } as unknown as Receipt;
    assert.ok(leafDataOf(Buffer.from('{}'), receipt).equals(receiptLeafData(receipt)));
  });

  test('policy ids name only what was enforced', async () => {
    const s = service([], { noModelTraining: false });
    assert.deepEqual((await s.record(op())).receipt.policy_ids, ['audit_trail', 'no_retention']);
    assert.deepEqual((await s.record(op({ contentRetained: true }))).receipt.policy_ids, ['audit_trail']);
  });

  test('ids must be UUIDs (EVIDENCE.md §1: subject is the user id, never a name)', async () => {
    await assert.rejects(service([]).record(op({ subject: 'alice@example.com' })), /UUID/);
  });
});
