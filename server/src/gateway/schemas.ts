import { type Static, type TSchema, Type } from '@sinclair/typebox';
import { Ajv, type ValidateFunction } from 'ajv';
import type { RequestHandler } from 'express';
import { AppError } from '../platform/errors.js';
import { fieldProblems } from '../platform/http/validate.js';

/*
 * Request bodies of the OpenAI-compatible endpoints. Only what the gateway itself relies on is
 * checked (model, the prompt field, stream flags); every other parameter passes through to vLLM,
 * which validates it against its own OpenAI protocol models.
 */

const Model = Type.String({ minLength: 1, maxLength: 256, description: 'Model name or alias.' });
const StreamOptions = Type.Optional(
  Type.Union([
    Type.Null(),
    Type.Object({ include_usage: Type.Optional(Type.Union([Type.Boolean(), Type.Null()])) }),
  ]),
);
const Stream = Type.Optional(Type.Union([Type.Boolean(), Type.Null()]));

/** `POST /v1/chat/completions` (OpenAI API reference, "Create chat completion"). */
export const ChatCompletionBody = Type.Object({
  model: Model,
  messages: Type.Array(Type.Object({ role: Type.String({ minLength: 1 }) }), { minItems: 1 }),
  stream: Stream,
  stream_options: StreamOptions,
});

/** `POST /v1/completions` (OpenAI API reference, "Create completion"). */
export const CompletionBody = Type.Object({
  model: Model,
  prompt: Type.Union([
    Type.String(),
    Type.Array(Type.String(), { minItems: 1 }),
    Type.Array(Type.Integer(), { minItems: 1 }),
    Type.Array(Type.Array(Type.Integer(), { minItems: 1 }), { minItems: 1 }),
  ]),
  stream: Stream,
  stream_options: StreamOptions,
});

/** `POST /v1/embeddings` (OpenAI API reference, "Create embeddings"). */
export const EmbeddingBody = Type.Object({
  model: Model,
  input: Type.Union([
    Type.String(),
    Type.Array(Type.String(), { minItems: 1 }),
    Type.Array(Type.Integer(), { minItems: 1 }),
    Type.Array(Type.Array(Type.Integer(), { minItems: 1 }), { minItems: 1 }),
  ]),
});

export type InferenceBody =
  | Static<typeof ChatCompletionBody>
  | Static<typeof CompletionBody>
  | Static<typeof EmbeddingBody>;

const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });

/**
 * Validates an OpenAI request body; failures become one VALIDATION_FAILED error whose message names
 * every problem (the OpenAI error shape has no details list).
 */
export function checkOpenAi(schema: TSchema): (body: unknown) => Record<string, unknown> {
  const check: ValidateFunction = ajv.compile(schema);
  return (body) => {
    if (body === undefined || body === null || typeof body !== 'object' || Array.isArray(body)) {
      throw new AppError(
        'VALIDATION_FAILED',
        'The request body must be a JSON object (content-type: application/json).',
      );
    }
    if (!check(body)) {
      const problems = fieldProblems('body', check.errors ?? []);
      const text = [
        ...new Set(problems.map((p) => `${p.field.replace(/^body\.?/, '') || 'body'} ${p.message}`)),
      ];
      throw new AppError('VALIDATION_FAILED', `Invalid request: ${text.join('; ')}.`, problems);
    }
    return body as Record<string, unknown>;
  };
}

/** {@link checkOpenAi} as Express middleware on `req.body`. */
export function validateOpenAi(schema: TSchema): RequestHandler {
  const check = checkOpenAi(schema);
  return (req, _res, next) => {
    check(req.body);
    next();
  };
}

/** `POST /:id/drain` body of the backends admin API. */
export const DrainBody = Type.Object(
  { reason: Type.Optional(Type.String({ maxLength: 500, description: 'Why, for the audit trail.' })) },
  { additionalProperties: false },
);

/** Path parameter naming a backend group or replica. */
export const BackendParams = Type.Object(
  { id: Type.String({ minLength: 1, maxLength: 320 }) },
  { additionalProperties: false },
);
