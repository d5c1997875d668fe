/**
 * What an endpoint handler gets for one request, and helpers shared by the endpoints.
 */
import { sendJson, sleep } from './http-io.js';
import type { StreamTarget } from './stream.js';
import type { ResolvedSimulatorOptions, SimulatorLatency } from './types.js';

/** Per-request context of an inference endpoint. */
export interface RequestContext extends StreamTarget {
  /** Simulator configuration. */
  config: ResolvedSimulatorOptions;
  /** Latency in force when the request arrived. */
  latency: SimulatorLatency;
  /** A fresh response id such as `chatcmpl-<32 hex>`, like vLLM's `random_uuid()`. */
  newId: (prefix: string) => string;
}

/** Token accounting of one response. */
export interface Usage {
  promptTokens: number;
  completionTokens: number;
}

/**
 * vLLM's `UsageInfo` as dumped in non-streaming responses (all fields) or in the final
 * streaming chunk (`exclude_none`, so without `prompt_tokens_details`).
 */
export function usageJson(usage: Usage, forStream: boolean): string {
  const { promptTokens, completionTokens } = usage;
  const core = `"prompt_tokens":${promptTokens},"total_tokens":${promptTokens + completionTokens},"completion_tokens":${completionTokens}`;
  return forStream ? `{${core}}` : `{${core},"prompt_tokens_details":null}`;
}

/** Seconds since the epoch, the `created` field of OpenAI objects. */
export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/** Number of streamed content chunks for `tokens` tokens (at least one, possibly empty). */
export function chunkCount(tokens: number, tokensPerChunk: number): number {
  return Math.max(1, Math.ceil(tokens / tokensPerChunk));
}

/** Simulated generation time of a non-streaming response of `chunks` chunks. */
export function generationDelay(latency: SimulatorLatency, chunks: number): number {
  return latency.firstTokenMs + latency.interTokenMs * (chunks - 1);
}

/**
 * Sends a non-streaming result after the simulated generation time, unless an injected
 * disconnect drops the connection first or the client leaves.
 */
export async function respondAfter(ctx: RequestContext, body: string, delayMs: number): Promise<void> {
  if (delayMs > 0 && !(await sleep(delayMs, ctx.signal))) return;
  if (ctx.disconnectAfter !== undefined) {
    ctx.onInjectedDisconnect();
    ctx.res.destroy();
    return;
  }
  if (!ctx.signal.aborted) sendJson(ctx.res, 200, body);
}
