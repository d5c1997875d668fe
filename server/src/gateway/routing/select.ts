import { createHash } from 'node:crypto';

/** What selection needs to know about a replica. */
export interface Candidate {
  readonly id: string;
  readonly weight: number;
  readonly inFlight: number;
}

/**
 * Weighted rendezvous (highest random weight) score of `key` on a replica: every replica computes the
 * same ranking without coordination, and removing one replica moves only the keys it owned.
 * Score = -weight / ln(u), u uniform in (0, 1) from SHA-256(key || id) (Schindelhauer & Schomaker,
 * "Weighted distributed hash tables", 2005).
 */
export function rendezvousScore(key: Buffer, candidate: Candidate): number {
  const digest = createHash('sha256').update(key).update(candidate.id).digest();
  // 52 random bits -> u in (0, 1), never 0 or 1.
  const u = (digest.readUIntBE(0, 6) / 2 ** 48 + digest.readUInt8(6) / 2 ** 56 + 2 ** -60) % 1;
  return -candidate.weight / Math.log(u || Number.MIN_VALUE);
}

/** The replica rendezvous hashing prefers for `key`. */
export function preferredFor<T extends Candidate>(key: Buffer, candidates: readonly T[]): T | undefined {
  let best: T | undefined;
  let bestScore = Number.NEGATIVE_INFINITY;
  for (const c of candidates) {
    const score = rendezvousScore(key, c);
    if (score > bestScore) {
      best = c;
      bestScore = score;
    }
  }
  return best;
}

const load = (c: Candidate) => c.inFlight / c.weight;

/**
 * Picks a replica: the one prefix affinity prefers while it has at most `maxExtra` more requests in
 * flight (per unit of weight) than the least loaded one; otherwise the least loaded, ties taken in
 * turn (`turn` increases with every call).
 */
export function selectReplica<T extends Candidate>(
  candidates: readonly T[],
  key: Buffer | undefined,
  maxExtra: number,
  turn: number,
): T | undefined {
  if (candidates.length === 0) return undefined;
  let minLoad = Number.POSITIVE_INFINITY;
  for (const c of candidates) minLoad = Math.min(minLoad, load(c));
  if (key !== undefined) {
    const preferred = preferredFor(key, candidates);
    if (preferred !== undefined && load(preferred) - minLoad <= maxExtra) return preferred;
  }
  const least = candidates.filter((c) => load(c) === minLoad);
  return least[turn % least.length];
}
