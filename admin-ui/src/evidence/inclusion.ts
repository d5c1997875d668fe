/**
 * Recomputes an entry's inclusion in a transparency log in the browser: leaf hash of the entry's JCS
 * bytes, RFC 9162 root from the proof, compared with the root of a checkpoint whose Ed25519 note
 * signature is checked against the log's verifier key.
 */
import { b64Decode, b64Encode, bytesEqual } from './base64.js';
import { canonicalBytes } from './jcs.js';
import { leafHash, rootFromInclusionProof } from './merkle.js';
import { type Checkpoint, verifyCheckpoint } from './note.js';
import { leafData, type Receipt } from './receipt.js';

/** An inclusion proof as `GET /api/v1/tecp/proof?log=receipts&index=N` returns it in JSON. */
export interface InclusionProof {
  index: number;
  size: number;
  /** RFC 9162 PATH, leaf's sibling first, padded base64. */
  hashes: string[];
  /** The signed checkpoint the proof is against (tree of `size` leaves). */
  checkpoint: string;
}

/** Every step of the check, so the page can show which one failed. */
export interface InclusionCheck {
  ok: boolean;
  leafHash: string;
  computedRoot: string | null;
  checkpoint: Checkpoint | null;
  /** The checkpoint note is signed by the log key. */
  checkpointSignature: boolean;
  /** The checkpoint is for the tree size the proof was made for. */
  sizeMatches: boolean;
  /** The root recomputed from the leaf and the proof equals the checkpoint's root. */
  rootMatches: boolean;
  /** The checkpoint's origin is the log the entry names (a receipt's `ext.log`). */
  originMatches: boolean;
  problems: string[];
}

/** Verifies that `receipt` is leaf `proof.index` of the receipts log whose verifier key is `vkey`. */
export function verifyReceiptInclusion(
  receipt: Receipt,
  proof: InclusionProof,
  vkey: string,
): Promise<InclusionCheck> {
  return verifyLeafInclusion(leafData(receipt), proof, vkey, receipt.ext?.log);
}

/** Verifies that an audit event is leaf `proof.index` of the audit log (leaf data: JCS of the event). */
export function verifyAuditInclusion(
  event: unknown,
  proof: InclusionProof,
  vkey: string,
): Promise<InclusionCheck> {
  return verifyLeafInclusion(canonicalBytes(event), proof, vkey, undefined);
}

/**
 * Verifies that `data` is leaf `proof.index` of the log whose verifier key is `vkey`; `origin`, when
 * given, is the log the leaf claims to belong to.
 */
export async function verifyLeafInclusion(
  data: Uint8Array,
  proof: InclusionProof,
  vkey: string,
  origin: string | undefined,
): Promise<InclusionCheck> {
  const problems: string[] = [];
  const leaf = await leafHash(data);
  let hashes: Uint8Array[] = [];
  try {
    hashes = proof.hashes.map((h) => b64Decode(h));
  } catch {
    problems.push('a proof hash is not base64');
  }
  const root = await rootFromInclusionProof(proof.index, proof.size, leaf, hashes);
  if (!root) problems.push('the proof does not fit the leaf index and tree size');

  let checkpoint: Checkpoint | null = null;
  let checkpointSignature = false;
  try {
    const verified = await verifyCheckpoint(proof.checkpoint, vkey);
    checkpoint = verified.checkpoint;
    checkpointSignature = verified.signatureValid;
    if (!verified.signedByKey) problems.push('the checkpoint carries no signature by the log key');
    else if (!checkpointSignature) problems.push('the checkpoint signature does not verify');
  } catch (err) {
    problems.push(`the checkpoint cannot be read: ${(err as Error).message}`);
  }
  const sizeMatches = checkpoint !== null && checkpoint.size === proof.size;
  if (checkpoint && !sizeMatches) problems.push('the checkpoint is for another tree size');
  const rootMatches = root !== null && checkpoint !== null && bytesEqual(root, checkpoint.rootHash);
  if (root && checkpoint && !rootMatches) problems.push('the recomputed root differs from the checkpoint');
  const originMatches = checkpoint !== null && (origin === undefined || origin === checkpoint.origin);
  if (checkpoint && !originMatches) problems.push('the checkpoint is of another log than the entry names');

  return {
    ok: checkpointSignature && sizeMatches && rootMatches && originMatches,
    leafHash: b64Encode(leaf),
    computedRoot: root ? b64Encode(root) : null,
    checkpoint,
    checkpointSignature,
    sizeMatches,
    rootMatches,
    originMatches,
    problems,
  };
}
