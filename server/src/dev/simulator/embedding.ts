/**
 * Deterministic embeddings. Each word of the text gets a pseudo-random vector
 * seeded by a hash of the word; the text's vector is their normalised sum (random
 * indexing). The same text always gives the same vector, and texts sharing words get a
 * higher cosine similarity, which is enough for retrieval demos and gateway tests.
 */
import { fnv1a } from './tokenizer.js';

/** mulberry32: a tiny, fast, well-distributed 32-bit PRNG; deterministic for a seed. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function addSeeded(target: Float64Array, seed: number): void {
  const next = mulberry32(seed);
  for (let i = 0; i < target.length; i += 1) target[i] = (target[i] as number) + next() * 2 - 1;
}

/**
 * The embedding of `text` with `dimensions` components, L2-normalised like vLLM's
 * default pooling, rounded to float32 (the precision vLLM returns).
 */
export function embedText(text: string, dimensions: number): Float32Array {
  const sum = new Float64Array(dimensions);
  const words = text.toLowerCase().match(/[\p{L}\p{N}_]+/gu);
  if (words === null) {
    // No words (empty or punctuation only): derive the vector from the whole text.
    addSeeded(sum, fnv1a(text, 0x2545f491));
  } else {
    for (const word of words) addSeeded(sum, fnv1a(word));
  }
  let norm = 0;
  for (const value of sum) norm += value * value;
  norm = Math.sqrt(norm) || 1;
  const out = new Float32Array(dimensions);
  for (let i = 0; i < dimensions; i += 1) out[i] = (sum[i] as number) / norm;
  return out;
}

/** Keeps the first `dimensions` components and re-normalises (Matryoshka-style truncation). */
export function truncateEmbedding(vector: Float32Array, dimensions: number): Float32Array {
  if (dimensions >= vector.length) return vector;
  const head = vector.slice(0, dimensions);
  let norm = 0;
  for (const value of head) norm += value * value;
  norm = Math.sqrt(norm) || 1;
  for (let i = 0; i < head.length; i += 1) head[i] = (head[i] as number) / norm;
  return head;
}

/** Little-endian float32 bytes in base64, the `encoding_format: "base64"` wire format. */
export function embeddingToBase64(vector: Float32Array): string {
  const bytes = Buffer.allocUnsafe(vector.length * 4);
  for (let i = 0; i < vector.length; i += 1) bytes.writeFloatLE(vector[i] as number, i * 4);
  return bytes.toString('base64');
}

/** The vector as a plain list of numbers for `encoding_format: "float"`. */
export function embeddingToList(vector: Float32Array): number[] {
  return Array.from(vector);
}
