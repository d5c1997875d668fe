/** What the three operations share: the model to use, the chat completion body, the answer's frame. */
import type { Static, TSchema } from '@sinclair/typebox';
import type { Caller, GatewayService, InternalResult } from '../../gateway/index.js';
import { AppError } from '../../platform/errors.js';
import type { AssistantConfig } from '../config-schema.js';
import type { PromptTemplate, RenderedPrompt } from '../prompts/templates.js';
import { answerReader } from './model-answer.js';
import type { WorkOutcome } from './runner.js';

/** Where an operation belongs: the project and task ids of its receipt. */
export interface Placement {
  project?: string | undefined;
  task?: string | undefined;
}

/** What an operation's work is given besides its input. */
export interface Plan {
  requestId: string;
  template: PromptTemplate;
  model: string;
  config: AssistantConfig;
  placement: Placement;
  stream: boolean;
}

/**
 * The model of an operation: the one the request names, else `assistant.defaultModel`, else the
 * first model the caller may use. Access is checked by the gateway call itself.
 */
export async function chooseModel(
  requested: string | undefined,
  config: AssistantConfig,
  models: GatewayService,
  caller: Caller,
): Promise<string> {
  const chosen = requested ?? config.defaultModel ?? (await models.models(caller))[0]?.id;
  if (!chosen) throw new AppError('MODEL_NOT_FOUND', 'No model is available to you right now.');
  return chosen;
}

/** The chat completion body of an operation, asking for a JSON answer of `schema` when given. */
export function completionBody(
  model: string,
  messages: Array<{ role: string; content: string }>,
  config: AssistantConfig,
  answer?: { name: string; schema: TSchema },
): Record<string, unknown> {
  return {
    model,
    messages,
    max_tokens: config.maxOutputTokens,
    ...(answer
      ? {
          temperature: 0.2,
          // OpenAI "Structured Outputs"; vLLM decodes to the schema (structured outputs / guided decoding).
          response_format: {
            type: 'json_schema',
            json_schema: {
              name: answer.name,
              strict: true,
              schema: JSON.parse(JSON.stringify(answer.schema)),
            },
          },
        }
      : {}),
  };
}

/** The system and user messages of a rendered template. */
export const promptMessages = (prompt: RenderedPrompt) => [
  { role: 'system', content: prompt.system },
  { role: 'user', content: prompt.user },
];

/** The members every operation answer starts with. */
export function answerFrame(
  object: string,
  requestId: string,
  template: PromptTemplate,
  call: InternalResult,
  placement: Placement,
) {
  return {
    object,
    request_id: requestId,
    project_id: placement.project ?? null,
    task_id: placement.task ?? null,
    model: call.model,
    template: { id: template.id, version: template.version },
    usage: { prompt_tokens: call.promptTokens, completion_tokens: call.completionTokens },
    finish_reason: call.finishReason,
  };
}

/** The outcome of a call that did not answer. */
export function failedCall(call: InternalResult): WorkOutcome | undefined {
  if (call.status === 'cancelled') return { status: 'cancelled' };
  if (call.status === 'error') return { status: 'error', error: call.error ?? new AppError('BACKEND_ERROR') };
  return undefined;
}

/** Reads a JSON answer of `schema`; a cut answer (finish_reason `length`) says so. */
export function jsonAnswerOf<S extends TSchema>(schema: S): (call: InternalResult) => Static<S> {
  const read = answerReader(schema);
  return (call) => {
    try {
      return read(call.content);
    } catch (err) {
      if (err instanceof AppError && call.finishReason === 'length')
        throw new AppError('MODEL_OUTPUT_INVALID', `${err.message} The answer was cut at the token limit.`);
      throw err;
    }
  };
}

/** How far back from a new piece a pattern is searched: a whole JSON member (path, severity) fits. */
const WINDOW = 1024;

/**
 * Progress of a streamed JSON answer, when `mark` finds something new in it (a file path, a finding)
 * and every `every` pieces: `{object:"assistant.progress", stage:"generating", chunks, [key]: ...}`.
 * Only the text after the last match is searched again, so a long answer costs linear time.
 */
export function progressReporter(
  emit: (event: Record<string, unknown>) => void,
  mark: RegExp,
  present: (found: string[]) => Record<string, unknown>,
  every = 32,
): (piece: string) => void {
  let text = '';
  let consumed = 0;
  let pieces = 0;
  const found: string[] = [];
  const global = new RegExp(mark.source, 'g');
  return (piece) => {
    text += piece;
    pieces += 1;
    const from = Math.max(consumed, text.length - piece.length - WINDOW);
    const before = found.length;
    for (const m of text.slice(from).matchAll(global)) {
      found.push(m[1] as string);
      consumed = from + (m.index ?? 0) + m[0].length;
    }
    if (found.length === before && pieces % every !== 0) return;
    emit({ object: 'assistant.progress', stage: 'generating', chunks: pieces, ...present(found) });
  };
}
