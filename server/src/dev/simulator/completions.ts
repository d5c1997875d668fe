/**
 * `POST /v1/completions`, shaped like vLLM's `CompletionResponse` and, when streaming,
 * its `text_completion` chunks (vllm/entrypoints/openai/serving_completion.py). A list of
 * prompts gives one choice per prompt, indexed in order, like vLLM's batch prompts.
 */
import { composeCompletion } from './answer.js';
import {
  chunkCount,
  generationDelay,
  nowSeconds,
  type RequestContext,
  respondAfter,
  usageJson,
} from './context.js';
import { badRequest } from './errors.js';
import { type Generation, generate } from './generation.js';
import { SSE_DONE, streamEvents, type TimedEvent } from './stream.js';
import { countTokens } from './tokenizer.js';
import {
  generationLimits,
  type JsonObject,
  requireSingleChoice,
  resolveModel,
  streamFlags,
} from './validate.js';

interface Prompt {
  /** Prompt text; empty for token-id prompts, which the simulator cannot detokenize. */
  text: string;
  tokens: number;
}

function isTokenIds(value: unknown): value is number[] {
  return Array.isArray(value) && value.length > 0 && value.every((v) => Number.isInteger(v));
}

/** `prompt` as a string, a list of strings, a list of token ids, or a list of those lists. */
function parsePrompts(body: JsonObject): Prompt[] {
  const prompt = body.prompt;
  if (prompt === undefined || prompt === null) throw badRequest('prompt: Field required');
  if (typeof prompt === 'string') return [{ text: prompt, tokens: countTokens(prompt) }];
  if (isTokenIds(prompt)) return [{ text: '', tokens: prompt.length }];
  if (Array.isArray(prompt) && prompt.length > 0) {
    return prompt.map((item: unknown) => {
      if (typeof item === 'string') return { text: item, tokens: countTokens(item) };
      if (isTokenIds(item)) return { text: '', tokens: item.length };
      throw badRequest('prompt: Input should be a string, a list of strings or a list of token ids');
    });
  }
  throw badRequest('prompt: Input should be a string, a list of strings or a list of token ids');
}

function* completionEvents(
  ctx: RequestContext,
  head: string,
  generations: readonly Generation[],
  usage: string | null,
): Generator<TimedEvent> {
  const { tokensPerChunk } = ctx.config;
  const { firstTokenMs, interTokenMs } = ctx.latency;
  for (let index = 0; index < generations.length; index += 1) {
    const { tokens, finishReason, stopReason } = generations[index] as Generation;
    const prefix = `data: ${head},"choices":[{"index":${index},"text":`;
    const chunks = chunkCount(tokens.length, tokensPerChunk);
    const last = `,"logprobs":null,"finish_reason":"${finishReason}","stop_reason":${JSON.stringify(stopReason)}}],"usage":null}\n\n`;
    for (let c = 0; c < chunks; c += 1) {
      const text =
        tokensPerChunk === 1
          ? (tokens[c] ?? '')
          : tokens.slice(c * tokensPerChunk, (c + 1) * tokensPerChunk).join('');
      // Chunks are dumped with exclude_unset=False, so every field appears, usage included.
      const tail =
        c === chunks - 1
          ? last
          : ',"logprobs":null,"finish_reason":null,"stop_reason":null}],"usage":null}\n\n';
      const delayMs = c > 0 || index > 0 ? interTokenMs : firstTokenMs;
      yield { data: `${prefix}${JSON.stringify(text)}${tail}`, delayMs };
    }
  }
  if (usage !== null) yield { data: `data: ${head},"choices":[],"usage":${usage}}\n\n`, delayMs: 0 };
  yield { data: SSE_DONE, delayMs: 0 };
}

/** Handles one text completion request whose body is already parsed. */
export async function handleCompletion(ctx: RequestContext, body: JsonObject): Promise<void> {
  const prompts = parsePrompts(body);
  const model = resolveModel(body, ctx.config.models);
  requireSingleChoice(body);
  const { stream, includeUsage } = streamFlags(body);
  const generations = prompts.map((prompt) =>
    generate(composeCompletion(prompt.text), generationLimits(body, prompt.tokens, ctx.config.maxModelLen)),
  );
  let promptTokens = 0;
  let completionTokens = 0;
  let longest = 0;
  for (let i = 0; i < prompts.length; i += 1) {
    promptTokens += (prompts[i] as Prompt).tokens;
    const generated = (generations[i] as Generation).tokens.length;
    completionTokens += generated;
    longest = Math.max(longest, generated);
  }
  const usage = { promptTokens, completionTokens };
  const id = ctx.newId('cmpl-');
  const created = nowSeconds();
  const head = `{"id":"${id}","object":"text_completion","created":${created},"model":${JSON.stringify(model)}`;

  if (stream) {
    await streamEvents(
      ctx,
      completionEvents(ctx, head, generations, includeUsage ? usageJson(usage, true) : null),
    );
    return;
  }
  const choices = generations
    .map(
      (g, index) =>
        `{"index":${index},"text":${JSON.stringify(g.text)},"logprobs":null,"finish_reason":"${g.finishReason}",` +
        `"stop_reason":${JSON.stringify(g.stopReason)},"prompt_logprobs":null}`,
    )
    .join(',');
  const response =
    `${head},"choices":[${choices}],"service_tier":null,"system_fingerprint":null,` +
    `"usage":${usageJson(usage, false)},"kv_transfer_params":null}`;
  // Batched prompts are generated side by side: the longest one sets the time.
  await respondAfter(
    ctx,
    response,
    generationDelay(ctx.latency, chunkCount(longest, ctx.config.tokensPerChunk)),
  );
}
