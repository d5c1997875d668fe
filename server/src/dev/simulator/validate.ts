/**
 * Request checks shared by the inference endpoints, answering like vLLM's request
 * validation (400 `BadRequestError`) and model check (404 `NotFoundError`).
 */
import { badRequest, SimulatorHttpError } from './errors.js';
import type { GenerationLimits } from './generation.js';

/** A parsed JSON object body. */
export type JsonObject = Record<string, unknown>;

/** Parses a request body that must be a JSON object. */
export function parseJsonObject(raw: string): JsonObject {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (error) {
    throw badRequest(`JSON decode error: ${(error as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw badRequest('Input should be a valid dictionary or object to extract fields from');
  }
  return value as JsonObject;
}

/** Reads an optional field; JSON null counts as absent, as in vLLM's pydantic models. */
function field(body: JsonObject, name: string): unknown {
  const value = body[name];
  return value === null ? undefined : value;
}

/** An optional integer field, at least `min`. */
export function optionalInt(body: JsonObject, name: string, min: number): number | undefined {
  const value = field(body, name);
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw badRequest(`${name}: Input should be a valid integer`);
  }
  if (value < min) throw badRequest(`${name} must be at least ${min}, got ${value}.`);
  return value;
}

/** An optional boolean field. */
export function optionalBool(body: JsonObject, name: string): boolean | undefined {
  const value = field(body, name);
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') throw badRequest(`${name}: Input should be a valid boolean`);
  return value;
}

/** The served model the request names; the first served model when omitted. */
export function resolveModel(body: JsonObject, models: readonly string[]): string {
  const value = field(body, 'model');
  if (value === undefined) return models[0] as string;
  if (typeof value !== 'string') throw badRequest('model: Input should be a valid string');
  if (!models.includes(value)) {
    throw new SimulatorHttpError(404, `The model \`${value}\` does not exist.`, 'NotFoundError');
  }
  return value;
}

/** Rejects `n` other than 1: the simulator generates a single choice. */
export function requireSingleChoice(body: JsonObject): void {
  const n = optionalInt(body, 'n', 1);
  if (n !== undefined && n !== 1) {
    throw badRequest(`n must be 1: this server generates a single choice per prompt, got n=${n}.`);
  }
}

/** `stream` and `stream_options.include_usage`, with vLLM's consistency check. */
export function streamFlags(body: JsonObject): { stream: boolean; includeUsage: boolean } {
  const stream = optionalBool(body, 'stream') ?? false;
  const options = field(body, 'stream_options');
  if (options === undefined) return { stream, includeUsage: false };
  if (typeof options !== 'object' || Array.isArray(options)) {
    throw badRequest('stream_options: Input should be a valid dictionary');
  }
  if (!stream) throw badRequest('Stream options can only be defined when `stream=True`.');
  return { stream, includeUsage: optionalBool(options as JsonObject, 'include_usage') ?? false };
}

function stopList(body: JsonObject): string[] {
  const value = field(body, 'stop');
  if (value === undefined) return [];
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.every((s): s is string => typeof s === 'string')) return value;
  throw badRequest('stop: Input should be a valid string or a list of strings');
}

/**
 * Sampling limits of a request, with vLLM's context-length check: without a budget the
 * completion may use the rest of the context; a prompt plus budget larger than
 * `maxModelLen` is a 400.
 */
export function generationLimits(
  body: JsonObject,
  promptTokens: number,
  maxModelLen: number,
): GenerationLimits {
  // vLLM: max_completion_tokens wins over the deprecated max_tokens.
  const requested = optionalInt(body, 'max_completion_tokens', 1) ?? optionalInt(body, 'max_tokens', 1);
  if (promptTokens >= maxModelLen) {
    throw badRequest(
      `This model's maximum context length is ${maxModelLen} tokens. However, you requested ` +
        `${promptTokens} tokens in the messages, Please reduce the length of the messages.`,
    );
  }
  if (requested !== undefined && promptTokens + requested > maxModelLen) {
    throw badRequest(
      `This model's maximum context length is ${maxModelLen} tokens. However, you requested ` +
        `${promptTokens + requested} tokens (${promptTokens} in the messages, ${requested} in the ` +
        'completion). Please reduce the length of the messages or completion.',
    );
  }
  return {
    stop: stopList(body),
    maxTokens: requested ?? maxModelLen - promptTokens,
    minTokens: optionalInt(body, 'min_tokens', 0) ?? 0,
    ignoreEos: optionalBool(body, 'ignore_eos') ?? false,
  };
}
