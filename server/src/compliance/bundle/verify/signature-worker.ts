/**
 * Worker thread of the receipt signature pool: verifies batches of receipts (their leaf text) in
 * archival mode against the pinned key set it was started with (EVIDENCE.md §1, §5).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { type PinnedKey, verifyReceipt } from '../../../evidence/core/index.js';
import type { SignatureBatch, SignatureResult } from './signature-pool.js';

const keys = (workerData as { keys: PinnedKey[] }).keys;

parentPort?.on('message', (batch: SignatureBatch) => {
  const results: SignatureResult[] = batch.items.map((text) => {
    let receipt: unknown;
    try {
      receipt = JSON.parse(text);
    } catch {
      return { errors: [{ code: 'E-SCHEMA-002', field: '', message: 'the entry is not JSON' }] };
    }
    const result = verifyReceipt(receipt, { archival: true, keys });
    return result.valid ? null : { errors: result.errors };
  });
  parentPort?.postMessage({ id: batch.id, results });
});
