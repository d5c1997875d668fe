/**
 * The auditor's "was the log rewritten since my last audit?" check, all in the browser: the saved
 * checkpoint and the current one are both verified against the log key, then the appliance's
 * consistency proof between them is recomputed (RFC 9162 §2.1.4.2).
 */
import { consistencyProof, type LogName } from '../api/evidence.js';
import { b64Decode } from './base64.js';
import { verifyConsistency } from './consistency.js';
import { type Checkpoint, verifyCheckpoint } from './note.js';
import { logVerifierKeys } from './verify-flow.js';

export interface ConsistencyCheck {
  old: Checkpoint;
  current: Checkpoint;
  oldSignature: boolean;
  currentSignature: boolean;
  sameOrigin: boolean;
  consistent: boolean;
  hashes: number;
  ok: boolean;
}

export async function checkConsistency(log: LogName, savedNote: string): Promise<ConsistencyCheck> {
  const keys = await logVerifierKeys();
  // Notes saved to files often lose the final newline or gain \r\n; the signed text has exactly one \n per line.
  const normalized = `${savedNote.replace(/\r\n/g, '\n').trimEnd()}\n`;
  const saved = await verifyCheckpoint(normalized, keys[log]);
  const proof = await consistencyProof(log, saved.checkpoint.size);
  const current = await verifyCheckpoint(proof.checkpoint, keys[log]);
  const consistent = await verifyConsistency(
    saved.checkpoint.size,
    current.checkpoint.size,
    saved.checkpoint.rootHash,
    current.checkpoint.rootHash,
    proof.hashes.map((h) => b64Decode(h)),
  );
  const sameOrigin = saved.checkpoint.origin === current.checkpoint.origin;
  return {
    old: saved.checkpoint,
    current: current.checkpoint,
    oldSignature: saved.signatureValid,
    currentSignature: current.signatureValid,
    sameOrigin,
    consistent,
    hashes: proof.hashes.length,
    ok: saved.signatureValid && current.signatureValid && sameOrigin && consistent,
  };
}
