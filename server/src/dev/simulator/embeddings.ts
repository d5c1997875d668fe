/**
 * `POST /v1/embeddings`, shaped like vLLM's `EmbeddingResponse`
 * (vllm/entrypoints/openai/serving_embedding.py): float lists, or base64 of little-endian
 * float32 bytes for `encoding_format: "base64"` (which the `openai` clients request by
 * default and decode themselves).
 */
import { generationDelay, nowSeconds, type RequestContext, respondAfter, usageJson } from './context.js';
import { embeddingToBase64, embeddingToList, embedText, truncateEmbedding } from './embedding.js';
import { badRequest } from './errors.js';
import { countTokens } from './tokenizer.js';
import { type JsonObject, optionalInt, resolveModel } from './validate.js';

const INPUT_ERROR = 'input: Input should be a string, a list of strings or a list of token ids';

function isTokenIds(value: unknown): value is number[] {
  return Array.isArray(value) && value.length > 0 && value.every((v) => Number.isInteger(v));
}

/** `input` as texts with their token counts; token-id inputs embed their id list. */
function parseInputs(body: JsonObject): Array<{ text: string; tokens: number }> {
  const input = body.input;
  if (input === undefined || input === null) throw badRequest('input: Field required');
  if (typeof input === 'string') return [{ text: input, tokens: countTokens(input) }];
  if (isTokenIds(input)) return [{ text: input.join(' '), tokens: input.length }];
  if (!Array.isArray(input) || input.length === 0) throw badRequest(INPUT_ERROR);
  return input.map((item: unknown) => {
    if (typeof item === 'string') return { text: item, tokens: countTokens(item) };
    if (isTokenIds(item)) return { text: item.join(' '), tokens: item.length };
    throw badRequest(INPUT_ERROR);
  });
}

/** Handles one embeddings request whose body is already parsed. */
export async function handleEmbeddings(ctx: RequestContext, body: JsonObject): Promise<void> {
  const inputs = parseInputs(body);
  const model = resolveModel(body, ctx.config.models);
  const format = body.encoding_format ?? 'float';
  if (format !== 'float' && format !== 'base64') {
    throw badRequest("encoding_format: Input should be 'float' or 'base64'");
  }
  const size = ctx.config.embeddingDimensions;
  const dimensions = optionalInt(body, 'dimensions', 1) ?? size;
  if (dimensions > size) {
    throw badRequest(`dimensions must be at most ${size} for this model, got ${dimensions}.`);
  }
  let promptTokens = 0;
  const data = inputs.map((input, index) => {
    promptTokens += input.tokens;
    if (input.tokens > ctx.config.maxModelLen) {
      throw badRequest(
        `This model's maximum context length is ${ctx.config.maxModelLen} tokens. However, you ` +
          `requested ${input.tokens} tokens in the input for embedding generation. Please reduce ` +
          'the length of the input.',
      );
    }
    const vector = truncateEmbedding(embedText(input.text, size), dimensions);
    const embedding =
      format === 'base64' ? `"${embeddingToBase64(vector)}"` : JSON.stringify(embeddingToList(vector));
    return `{"index":${index},"object":"embedding","embedding":${embedding}}`;
  });
  const response =
    `{"id":"${ctx.newId('embd-')}","object":"list","created":${nowSeconds()},"model":${JSON.stringify(model)},` +
    `"data":[${data.join(',')}],"usage":${usageJson({ promptTokens, completionTokens: 0 }, false)}}`;
  // An embedding is one forward pass: only the time to first token applies.
  await respondAfter(ctx, response, generationDelay(ctx.latency, 1));
}
