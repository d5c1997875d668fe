/**
 * Turns a composed answer into what vLLM's sampler would have produced under the
 * request's limits: `stop` strings, `max_tokens`, and vLLM's `min_tokens`/`ignore_eos`
 * extensions (used by vLLM's own benchmarks to fix the output length).
 */
import { splitTokens } from './tokenizer.js';

/** Why generation ended, as reported in `finish_reason`. */
export type FinishReason = 'stop' | 'length';

/** Sampling limits taken from the request. */
export interface GenerationLimits {
  /** Stop strings; the first match ends the output and is not included (vLLM default). */
  stop: readonly string[];
  /** Maximum number of completion tokens. */
  maxTokens: number;
  /** Minimum number of completion tokens (vLLM `min_tokens`). */
  minTokens: number;
  /** Keep generating until `maxTokens` (vLLM `ignore_eos`). */
  ignoreEos: boolean;
}

/** One generated completion. */
export interface Generation {
  /** Tokens of the output; their concatenation is `text`. */
  tokens: string[];
  /** The output text. */
  text: string;
  finishReason: FinishReason;
  /** The stop string that ended the output, else null (vLLM `stop_reason`). */
  stopReason: string | null;
}

/** Separator between repetitions when an answer is extended past its natural end. */
const REPEAT_SEPARATOR = '\n\n';

function extend(tokens: string[], target: number): string[] {
  if (tokens.length === 0 || tokens.length >= target) return tokens;
  const out = tokens.slice();
  let i = 0;
  while (out.length < target) {
    if (i === 0) out.push(REPEAT_SEPARATOR);
    if (out.length < target) out.push(tokens[i] as string);
    i = (i + 1) % tokens.length;
  }
  return out;
}

function firstStop(text: string, stop: readonly string[]): { index: number; stop: string } | null {
  let best: { index: number; stop: string } | null = null;
  for (const candidate of stop) {
    if (candidate.length === 0) continue;
    const index = text.indexOf(candidate);
    if (index >= 0 && (best === null || index < best.index)) best = { index, stop: candidate };
  }
  return best;
}

/** Applies the request's limits to a composed answer. */
export function generate(answer: string, limits: GenerationLimits): Generation {
  const natural = splitTokens(answer);
  const target = limits.ignoreEos ? limits.maxTokens : Math.min(limits.minTokens, limits.maxTokens);
  let tokens = extend(natural, target);
  let text = tokens === natural ? answer : tokens.join('');
  let finishReason: FinishReason = 'stop';
  let stopReason: string | null = null;

  const hit = limits.stop.length > 0 ? firstStop(text, limits.stop) : null;
  if (hit !== null) {
    text = text.slice(0, hit.index);
    tokens = splitTokens(text);
    stopReason = hit.stop;
  }
  if (tokens.length > limits.maxTokens) {
    tokens = tokens.slice(0, limits.maxTokens);
    text = tokens.join('');
    finishReason = 'length';
    stopReason = null;
  } else if (limits.ignoreEos && hit === null && tokens.length === limits.maxTokens) {
    // With ignore_eos the output only ends because the token budget ran out.
    finishReason = 'length';
  }
  return { tokens, text, finishReason, stopReason };
}
