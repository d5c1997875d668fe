/**
 * Worker thread of the receipt checks: parses each receipt (its leaf text), checks it against the
 * export's query and log, and verifies it in archival mode against the pinned key set it was started
 * with (EVIDENCE.md §1, §3, §5). Answers only with the problems found.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { type PinnedKey, verifyReceipt } from '../../../evidence/core/index.js';
import { type BundleQuery, receiptMismatch } from '../format.js';
import type { SignatureBatch, SignatureResult } from './signature-pool.js';

const { keys, query, origin } = workerData as { keys: PinnedKey[]; query: BundleQuery; origin: string };

function check(text: string): SignatureResult {
  let receipt: unknown;
  try {
    receipt = JSON.parse(text);
  } catch {
    return { errors: ['the entry is not JSON'] };
  }
  const errors: string[] = [];
  const mismatch = receiptMismatch(receipt, query);
  if (mismatch !== undefined) errors.push(`outside the export's query: ${mismatch}`);
  const ext = (receipt as { ext?: { log?: unknown } }).ext;
  if (ext?.log !== origin) errors.push(`ext.log is not the receipts log ${origin}`);
  const result = verifyReceipt(receipt, { archival: true, keys });
  for (const e of result.errors) errors.push(`receipt ${e.code} ${e.field || '(receipt)'}: ${e.message}`);
  return errors.length === 0 ? null : { errors };
}

parentPort?.on('message', (batch: SignatureBatch) => {
  parentPort?.postMessage({ id: batch.id, results: batch.items.map(check) });
});
