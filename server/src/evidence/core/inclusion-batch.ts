/**
 * RFC 9162 §2.1.3.2 inclusion proof verification for many entries of one tree, as an export bundle
 * holds them (EVIDENCE.md §3: one proof per entry, all against one checkpoint).
 *
 * Entries in ascending index order share most of their audit paths. The walk of each proof runs the
 * RFC's steps with the functions `rootFromInclusionProof` uses (merkle-verify.ts), and stops early
 * only when it reaches a state (fn, sn, running hash) that the previous, verified, proof also reached
 * at the same step with the same remaining proof hashes: from there on both computations are identical, so this proof leads to
 * the same root. Nothing is assumed that a full walk would not check.
 */
import { HASH_SIZE } from './merkle.js';
import { type InclusionState, inclusionStep, startInclusion } from './merkle-verify.js';

function sameSuffix(a: readonly Uint8Array[], b: readonly Uint8Array[], from: number): boolean {
  if (a.length !== b.length) return false;
  for (let i = from; i < a.length; i++) {
    // Parsers hand out the same buffer for a repeated hash line: identity is the common case.
    if (a[i] !== b[i] && Buffer.compare(a[i] as Uint8Array, b[i] as Uint8Array) !== 0) return false;
  }
  return true;
}

/** Verifies inclusion proofs against one tree of `size` leaves with root `root`. */
export class InclusionBatchVerifier {
  readonly #size: number;
  readonly #root: Buffer;
  #prev: { steps: InclusionState[]; proof: readonly Uint8Array[] } | undefined;

  constructor(size: number, root: Uint8Array) {
    this.#size = size;
    this.#root = Buffer.from(root);
  }

  /** True when `proof` proves that `leaf` (a leaf hash) is at `index` in the tree. */
  verify(index: number, leaf: Uint8Array, proof: readonly Uint8Array[]): boolean {
    let state = startInclusion(index, this.#size, leaf, proof);
    if (state === undefined || this.#root.length !== HASH_SIZE) return this.#fail();
    const prev = this.#prev;
    const steps: InclusionState[] = [];
    for (let k = 0; k < proof.length; k++) {
      state = inclusionStep(state, proof[k] as Uint8Array);
      if (state === undefined) return this.#fail();
      steps.push(state);
      const seen = prev?.steps[k];
      if (
        prev !== undefined &&
        seen !== undefined &&
        seen.fn === state.fn &&
        seen.sn === state.sn &&
        seen.r.equals(state.r) &&
        sameSuffix(proof, prev.proof, k + 1)
      ) {
        // The rest of this walk is the previous proof's walk, which reached the root.
        this.#prev = { steps: [...steps, ...prev.steps.slice(k + 1)], proof };
        return true;
      }
    }
    if (state.sn !== 0 || !state.r.equals(this.#root)) return this.#fail();
    this.#prev = { steps, proof };
    return true;
  }

  #fail(): false {
    this.#prev = undefined;
    return false;
  }
}
