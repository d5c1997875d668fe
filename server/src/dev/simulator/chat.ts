/**
 * `POST /v1/chat/completions`, shaped like vLLM's `ChatCompletionResponse` and, when
 * streaming, its `chat.completion.chunk` events
 * (vllm/entrypoints/openai/serving_chat.py).
 */
import { composeChatAnswer } from './answer.js';
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
import { structuredAnswer } from './structured.js';
import { countTokens } from './tokenizer.js';
import {
  generationLimits,
  type JsonObject,
  requireSingleChoice,
  resolveModel,
  streamFlags,
} from './validate.js';

/** Text of a message's `content`: a string, or the text parts of a content array. */
function contentText(content: unknown, index: number): string {
  if (content === undefined || content === null) return '';
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    let text = '';
    for (const part of content) {
      if (typeof part !== 'object' || part === null) {
        throw badRequest(`messages[${index}].content: Input should be a valid string or list of parts`);
      }
      const { type, text: partText } = part as JsonObject;
      if (type === 'text' && typeof partText === 'string')
        text += text.length > 0 ? `\n${partText}` : partText;
    }
    return text;
  }
  throw badRequest(`messages[${index}].content: Input should be a valid string or list of parts`);
}

/**
 * Renders the conversation with a ChatML template (as Qwen-style coder models do) and
 * returns it with the last user message, which the answer is about.
 */
function renderConversation(body: JsonObject): { prompt: string; lastUser: string } {
  const messages = body.messages;
  if (messages === undefined || messages === null) throw badRequest('messages: Field required');
  if (!Array.isArray(messages)) throw badRequest('messages: Input should be a valid list');
  let prompt = '';
  let lastUser = '';
  if (Array.isArray(body.tools) && body.tools.length > 0) {
    // Tool definitions are part of the rendered prompt, so they cost prompt tokens.
    prompt += `<|im_start|>system\n${JSON.stringify(body.tools)}<|im_end|>\n`;
  }
  for (let i = 0; i < messages.length; i += 1) {
    const message: unknown = messages[i];
    if (typeof message !== 'object' || message === null || Array.isArray(message)) {
      throw badRequest(`messages[${i}]: Input should be a valid dictionary`);
    }
    const { role, content, tool_calls: toolCalls } = message as JsonObject;
    if (typeof role !== 'string') throw badRequest(`messages[${i}].role: Field required`);
    let text = contentText(content, i);
    if (toolCalls !== undefined && toolCalls !== null) text += JSON.stringify(toolCalls);
    if (role === 'user') lastUser = text;
    prompt += `<|im_start|>${role}\n${text}<|im_end|>\n`;
  }
  return { prompt: `${prompt}<|im_start|>assistant\n`, lastUser };
}

function* chatEvents(
  ctx: RequestContext,
  head: string,
  generation: Generation,
  usage: string | null,
): Generator<TimedEvent> {
  const { tokensPerChunk } = ctx.config;
  const { firstTokenMs, interTokenMs } = ctx.latency;
  const { tokens } = generation;
  const prefix = `data: ${head},"choices":[{"index":0,"delta":`;
  // vLLM's first chunk announces the role with empty content.
  yield {
    data: `${prefix}{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}]}\n\n`,
    delayMs: firstTokenMs,
  };
  const chunks = chunkCount(tokens.length, tokensPerChunk);
  const last = `,"logprobs":null,"finish_reason":"${generation.finishReason}","stop_reason":${JSON.stringify(generation.stopReason)}}]}\n\n`;
  for (let c = 0; c < chunks; c += 1) {
    const text =
      tokensPerChunk === 1
        ? (tokens[c] ?? '')
        : tokens.slice(c * tokensPerChunk, (c + 1) * tokensPerChunk).join('');
    const tail = c === chunks - 1 ? last : ',"logprobs":null,"finish_reason":null}]}\n\n';
    yield {
      data: `${prefix}{"content":${JSON.stringify(text)}}${tail}`,
      delayMs: c === 0 ? 0 : interTokenMs,
    };
  }
  if (usage !== null) yield { data: `data: ${head},"choices":[],"usage":${usage}}\n\n`, delayMs: 0 };
  yield { data: SSE_DONE, delayMs: 0 };
}

/** Handles one chat completion request whose body is already parsed. */
export async function handleChatCompletion(ctx: RequestContext, body: JsonObject): Promise<void> {
  const { prompt, lastUser } = renderConversation(body);
  const model = resolveModel(body, ctx.config.models);
  requireSingleChoice(body);
  const { stream, includeUsage } = streamFlags(body);
  const promptTokens = countTokens(prompt);
  const limits = generationLimits(body, promptTokens, ctx.config.maxModelLen);
  const generation = generate(structuredAnswer(body, lastUser) ?? composeChatAnswer(lastUser), limits);
  const usage = { promptTokens, completionTokens: generation.tokens.length };
  const id = ctx.newId('chatcmpl-');
  const created = nowSeconds();

  if (stream) {
    const head = `{"id":"${id}","object":"chat.completion.chunk","created":${created},"model":${JSON.stringify(model)}`;
    await streamEvents(ctx, chatEvents(ctx, head, generation, includeUsage ? usageJson(usage, true) : null));
    return;
  }
  const response =
    `{"id":"${id}","object":"chat.completion","created":${created},"model":${JSON.stringify(model)},` +
    `"choices":[{"index":0,"message":{"role":"assistant","content":${JSON.stringify(generation.text)},` +
    '"refusal":null,"annotations":null,"audio":null,"function_call":null,"tool_calls":[],"reasoning_content":null},' +
    `"logprobs":null,"finish_reason":"${generation.finishReason}","stop_reason":${JSON.stringify(generation.stopReason)}}],` +
    `"service_tier":null,"system_fingerprint":null,"usage":${usageJson(usage, false)},` +
    '"prompt_logprobs":null,"kv_transfer_params":null}';
  const chunks = chunkCount(generation.tokens.length, ctx.config.tokensPerChunk);
  await respondAfter(ctx, response, generationDelay(ctx.latency, chunks));
}
