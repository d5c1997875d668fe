/**
 * The gateway's in-process entry point for the assistant module: one chat completion with the same
 * model and alias resolution, quota plans, rate limits, replica selection, retries, timeouts, usage
 * events and metrics as `POST /v1/chat/completions`, without an HTTP hop. The caller (the assistant)
 * owns the operation and records its one receipt, so these calls record none of their own.
 */
import type { Logger } from 'pino';
import { AppError } from '../platform/errors.js';
import { Call } from './call.js';
import {
  type InferenceContext,
  promptChars,
  replicaPicker,
  resolveModel,
  upstreamBody,
} from './inference.js';
import type { Caller } from './limits/limiter.js';
import { upstreamErrorBody } from './openai-errors.js';
import type { AssistantOp, OperationStatus } from './operation.js';
import { type Dispatched, dispatch, upstreamAppError } from './proxy/dispatch.js';
import { readAnswer } from './proxy/json-exchange.js';
import { eventData, isDone, SseSplitter } from './proxy/sse.js';
import { Deadlines, UpstreamError } from './proxy/upstream.js';
import { affinityKey } from './routing/affinity.js';

/** One chat completion asked for by an assistant operation. */
export interface InternalRequest {
  caller: Caller;
  /** The operation's request id (sent to the replica as `x-request-id`). */
  requestId: string;
  op: AssistantOp;
  /** An OpenAI chat completion body (`model`, `messages`, sampling parameters, `response_format`). */
  body: Record<string, unknown>;
  /** Aborting cancels the call (the client went away). */
  signal?: AbortSignal;
  /** Streams the answer: called with each piece of generated text as it arrives. */
  onDelta?: (text: string) => void;
  /** Called once the call is admitted (before it is sent), with its `x-ratelimit-*` headers. */
  onAdmitted?: (headers: Record<string, string>) => void;
  log: Logger;
}

/** How an admitted call ended. */
export interface InternalResult {
  status: OperationStatus;
  /** The generated text (empty unless the status is `ok`, or an error event ended the stream). */
  content: string;
  finishReason: string | null;
  /** Why it failed (status `error`). */
  error?: AppError;
  /** Model name as requested, and the replica that served it (`""` when none was reached). */
  model: string;
  backend: string;
  /** Tokens as reported by the replica; 0 when it never reported them (never estimated). */
  promptTokens: number;
  completionTokens: number;
  /** `x-ratelimit-*` headers of the admission, for the operation's response. */
  headers: Record<string, string>;
}

interface Answer {
  status: OperationStatus;
  content: string;
  finishReason: string | null;
  error?: AppError;
}

const asObject = (value: unknown): Record<string, unknown> | undefined =>
  value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;

const firstChoice = (data: Record<string, unknown> | undefined) =>
  asObject(Array.isArray(data?.choices) ? data.choices[0] : undefined);

/** The catalogue error for a replica's error answer (status >= 400). */
function replicaError(parsed: unknown, status: number): AppError {
  const { message } = upstreamErrorBody(parsed, status).error;
  if (status === 429) return new AppError('RATE_LIMITED', message);
  if (status >= 500) return new AppError('BACKEND_ERROR', message);
  return new AppError('BACKEND_REJECTED', message);
}

/** Reads a non-streaming answer. */
async function readCompletion(
  call: Call,
  d: Dispatched,
  deadlines: Deadlines,
  maxBytes: number,
): Promise<Answer> {
  const { status, parsed } = await readAnswer(call, d, deadlines, maxBytes);
  if (status >= 400) {
    d.release(status >= 500 ? 'failure' : 'neutral');
    return { status: 'error', content: '', finishReason: null, error: replicaError(parsed, status) };
  }
  const data = asObject(parsed);
  const choice = firstChoice(data);
  const content = asObject(choice?.message)?.content;
  if (typeof content !== 'string') {
    d.release('failure');
    throw new UpstreamError('protocol', `the backend answered ${status} without a chat completion`);
  }
  d.release('success');
  call.firstToken();
  call.setUsage(data?.usage);
  const finish = choice?.finish_reason;
  return { status: 'ok', content, finishReason: typeof finish === 'string' ? finish : null };
}

/** Reads a streamed answer (OpenAI chat completion chunks), passing each piece of text on. */
function readStream(call: Call, d: Dispatched, deadlines: Deadlines, onDelta: (text: string) => void) {
  const upstream = d.exchange.res;
  const splitter = new SseSplitter();
  const answer: Answer = { status: 'ok', content: '', finishReason: null };
  let done = false;
  return new Promise<Answer>((resolve, reject) => {
    upstream.on('data', (chunk: Buffer) => {
      deadlines.activity();
      for (const event of splitter.push(chunk)) {
        if (done || isDone(event)) {
          done = true;
          continue;
        }
        let data: Record<string, unknown> | undefined;
        try {
          data = asObject(JSON.parse(eventData(event)));
        } catch {
          data = undefined;
        }
        if (data?.error !== undefined && data.error !== null) {
          answer.status = 'error';
          answer.error = new AppError('BACKEND_ERROR', upstreamErrorBody(data, 502).error.message);
        }
        if (data?.usage) call.setUsage(data.usage);
        const choice = firstChoice(data);
        const piece = asObject(choice?.delta)?.content;
        if (typeof choice?.finish_reason === 'string') answer.finishReason = choice.finish_reason;
        if (typeof piece !== 'string') continue;
        call.chunks += 1;
        call.firstToken();
        answer.content += piece;
        if (piece !== '') onDelta(piece);
      }
    });
    upstream.once('end', () => {
      d.release(!done ? 'failure' : answer.status === 'ok' ? 'success' : 'neutral');
      if (done) resolve(answer);
      else reject(new UpstreamError('reset', 'the stream ended without [DONE]'));
    });
    upstream.once('close', () => {
      if (upstream.complete) return;
      d.release(call.cancelled ? 'neutral' : 'failure');
      const reason: unknown = call.controller.signal.reason;
      reject(
        reason instanceof UpstreamError ? reason : new UpstreamError('reset', 'the backend broke the stream'),
      );
    });
    upstream.on('error', () => {}); // Failures also end in 'close' (handled above).
  });
}

/** The in-process chat completion client of the gateway (see the file comment). */
export class InternalGateway {
  private readonly pick: ReturnType<typeof replicaPicker>;

  constructor(private readonly ctx: InferenceContext) {
    this.pick = replicaPicker(ctx);
  }

  /**
   * Runs one chat completion. Refusals before the call is admitted are thrown (AppError
   * MODEL_NOT_FOUND, NO_BACKEND_AVAILABLE, RATE_LIMITED, QUOTA_EXCEEDED); once admitted, every
   * outcome (answer, backend failure, timeout, cancellation) resolves, with usage recorded.
   */
  async complete(req: InternalRequest): Promise<InternalResult> {
    const ctx = this.ctx;
    const { config } = ctx;
    const requested = req.body.model as string;
    const { served, subjects } = await resolveModel(ctx, req.caller, requested);
    const stream = req.onDelta !== undefined;
    const admission = await ctx.limiter.admit(subjects, stream);
    const deps = { ...ctx.callDeps, evidence: undefined, retention: undefined };
    const call = new Call(deps, req.op, req.requestId, req.caller, requested, admission, () =>
      promptChars(req.body),
    );
    const cancel = () => call.controller.abort(new UpstreamError('cancelled', 'the client went away'));
    if (req.signal?.aborted) cancel();
    req.signal?.addEventListener('abort', cancel, { once: true });
    const deadlines = new Deadlines(call.controller, config.timeouts);
    const key = affinityKey(req.body, config.routing.affinityPrefixChars);
    let answer: Answer;
    try {
      req.onAdmitted?.(admission.headers);
      const dispatched = await dispatch({
        pick: (exclude) => this.pick(served, key, exclude),
        path: '/v1/chat/completions',
        body: upstreamBody({ ...req.body, stream }, served, stream),
        headers: { 'x-request-id': req.requestId, accept: stream ? 'text/event-stream' : 'application/json' },
        signal: call.controller.signal,
        deadlines,
        connectMs: config.timeouts.connectMs,
        maxAttempts: config.retry.maxAttempts,
        metrics: ctx.metrics,
        log: req.log,
      });
      call.backend = dispatched.backend.id;
      const res = dispatched.exchange.res;
      const sse = (res.headers['content-type'] ?? '').startsWith('text/event-stream');
      answer =
        req.onDelta && sse && res.statusCode === 200
          ? await readStream(call, dispatched, deadlines, req.onDelta)
          : await readCompletion(call, dispatched, deadlines, config.maxResponseBytes);
    } catch (err) {
      const cancelled = call.cancelled || (err instanceof UpstreamError && err.kind === 'cancelled');
      answer = { status: cancelled ? 'cancelled' : 'error', content: '', finishReason: null };
      if (!cancelled) {
        if (!(err instanceof AppError) && !(err instanceof UpstreamError))
          req.log.error({ err }, 'call failed');
        answer.error =
          err instanceof AppError
            ? err
            : err instanceof UpstreamError
              ? upstreamAppError(err)
              : new AppError('INTERNAL');
      }
    } finally {
      deadlines.clear();
      req.signal?.removeEventListener('abort', cancel);
    }
    await call.end(answer.status, Buffer.alloc(0));
    return {
      ...answer,
      model: requested,
      backend: call.backend,
      promptTokens: call.usageKnown ? call.promptTokens : 0,
      completionTokens: call.usageKnown ? call.completionTokens : 0,
      headers: admission.headers,
    };
  }
}
