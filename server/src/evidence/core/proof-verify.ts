/**
 * End-to-end checks of the EVIDENCE.md §2.2 proof texts against signed
 * checkpoints: what an auditor does with a tlog-proof file, an export bundle's
 * proofs, or a consistency proof between two checkpoints.
 */
import { type Checkpoint, openCheckpoint } from './checkpoint.js';
import { leafHash } from './merkle.js';
import { verifyConsistency, verifyInclusion } from './merkle-verify.js';
import type { NoteVerifier } from './note.js';
import { type InclusionBlock, parseConsistencyProof, parseTlogProof } from './proof-text.js';

/** Error thrown when a well-formed proof does not prove what it claims. */
export class ProofVerificationError extends Error {
  override readonly name = 'ProofVerificationError';
}

/** Result of `verifyTlogProof`. */
export interface VerifiedTlogProof {
  index: number;
  checkpoint: Checkpoint;
}

/**
 * Verifies a c2sp.org/tlog-proof@v1 proof for `leafData` (the exact leaf bytes):
 * the checkpoint must be signed by one of `verifiers` (and have `origin`, when
 * given), and the inclusion proof must lead from the leaf to its root hash.
 * @throws ProofFormatError, NoteError or ProofVerificationError.
 */
export function verifyTlogProof(
  proofText: string,
  leafData: Uint8Array,
  verifiers: readonly NoteVerifier[],
  origin?: string,
): VerifiedTlogProof {
  const proof = parseTlogProof(proofText);
  const { checkpoint } = openCheckpoint(proof.checkpoint, verifiers, origin);
  checkInclusionBlock(proof, leafData, checkpoint);
  return { index: proof.index, checkpoint };
}

/**
 * Checks one inclusion proof block (export bundle `proofs` file) for
 * `leafData` against an already verified checkpoint.
 * @throws ProofVerificationError when the proof does not verify.
 */
export function checkInclusionBlock(
  block: InclusionBlock,
  leafData: Uint8Array,
  checkpoint: Checkpoint,
): void {
  if (!verifyInclusion(block.index, checkpoint.size, leafHash(leafData), block.hashes, checkpoint.rootHash)) {
    throw new ProofVerificationError(
      `inclusion proof for index ${block.index} does not verify against tree size ${checkpoint.size}`,
    );
  }
}

/**
 * Checks a consistency proof text (`old M` ...) between two verified
 * checkpoints of the same log: M must be the old size and the proof must
 * verify (RFC 9162 §2.1.4.2).
 * @throws ProofFormatError or ProofVerificationError.
 */
export function checkConsistencyText(
  proofText: string,
  oldCheckpoint: Checkpoint,
  newCheckpoint: Checkpoint,
): void {
  const proof = parseConsistencyProof(proofText);
  if (oldCheckpoint.origin !== newCheckpoint.origin) {
    throw new ProofVerificationError('checkpoints belong to different logs');
  }
  if (proof.oldSize !== oldCheckpoint.size) {
    throw new ProofVerificationError(
      `proof is from size ${proof.oldSize}, old checkpoint has ${oldCheckpoint.size}`,
    );
  }
  const ok = verifyConsistency(
    oldCheckpoint.size,
    newCheckpoint.size,
    oldCheckpoint.rootHash,
    newCheckpoint.rootHash,
    proof.hashes,
  );
  if (!ok) {
    throw new ProofVerificationError(
      `consistency proof from size ${oldCheckpoint.size} to ${newCheckpoint.size} does not verify`,
    );
  }
}
