/**
 * Worker thread of {@link SignatureChecker}: verifies batches of Ed25519 signatures
 * (RFC 8032 §5.1.7) and answers with one flag per item, in order.
 */
import { parentPort } from 'node:worker_threads';
import { ed25519Verify } from '../core/index.js';
import type { VerifyBatch } from './signature-checker.js';

parentPort?.on('message', (batch: VerifyBatch) => {
  const ok = new Uint8Array(batch.items.length);
  batch.items.forEach(([publicKey, data, signature], i) => {
    ok[i] = ed25519Verify(publicKey, data, signature) ? 1 : 0;
  });
  parentPort?.postMessage({ id: batch.id, ok }, [ok.buffer]);
});
