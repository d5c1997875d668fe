import type { ServerResponse } from 'node:http';
import type { Request, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { CanonicalizationError, canonicalBytes } from '../evidence/core/jcs.js';
import { AppError } from '../platform/errors.js';
import type { Backend } from './backends/backend.js';
import type { BackendRegistry } from './backends/registry.js';
import { Call, type CallDeps } from './call.js';
import type { GatewayConfig } from './config-schema.js';
import type { Caller, Limiter, SubjectLimits } from './limits/limiter.js';
import type { GatewayMetrics } from './metrics.js';
import { type GatewayOp, NOTHING_WRITTEN, sha256 } from './operation.js';
import { dispatch, upstreamAppError } from './proxy/dispatch.js';
import { relayJson, sendError } from './proxy/json-exchange.js';
import { relayStream } from './proxy/stream-exchange.js';
import { Deadlines, UpstreamError } from './proxy/upstream.js';
import { affinityKey } from './routing/affinity.js';
import { selectReplica } from './routing/select.js';

/** What the inference endpoints share. */
export interface InferenceContext {
  config: GatewayConfig;
  metrics: GatewayMetrics;
  registry: BackendRegistry;
  limiter: Limiter;
  callDeps: CallDeps;
  caller: (req: Request) => Caller;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * The body sent to the replica: the served model name instead of an alias, and for streams
 * `stream_options.include_usage` (OpenAI API reference, "Create chat completion") so the final
 * usage chunk always arrives and tokens are always known.
 */
export function upstreamBody(body: Record<string, unknown>, served: string, stream: boolean): Buffer {
  const out: Record<string, unknown> = { ...body, model: served };
  if (stream)
    out.stream_options = {
      ...(isObject(body.stream_options) ? body.stream_options : {}),
      include_usage: true,
    };
  return Buffer.from(JSON.stringify(out));
}

/** Characters of the prompt, for a token estimate when the replica never reports usage. */
export const promptChars = (body: Record<string, unknown>) =>
  JSON.stringify(body.messages ?? body.prompt ?? body.input ?? '').length;

/** Ends a call that failed or was cancelled before a response could be relayed. */
async function fail(
  call: Call,
  res: ServerResponse,
  log: Logger,
  err: unknown,
  headers: Record<string, string>,
): Promise<void> {
  if (call.isEnded) throw err;
  if (call.cancelled || (err instanceof UpstreamError && err.kind === 'cancelled')) {
    await call.end('cancelled', NOTHING_WRITTEN);
    return;
  }
  const error =
    err instanceof AppError
      ? err
      : err instanceof UpstreamError
        ? upstreamAppError(err)
        : new AppError('INTERNAL');
  if (!(err instanceof AppError) && !(err instanceof UpstreamError))
    log.error({ err }, 'gateway call failed');
  if (res.headersSent) {
    await call.end('error', NOTHING_WRITTEN);
    res.destroy();
    return;
  }
  await sendError(call, res, error, headers);
}

/** Picks the replica for a served model: routable, with capacity, by prefix affinity or turn. */
export function replicaPicker(
  ctx: Pick<InferenceContext, 'config' | 'registry'>,
): (served: string, key: Buffer | undefined, exclude: ReadonlySet<string>) => Backend | undefined {
  const { config, registry } = ctx;
  let turn = 0;
  return (served, key, exclude) => {
    const candidates = registry
      .all()
      .filter((b) => !exclude.has(b.id) && b.serves(served) && registry.isRoutable(b) && b.hasCapacity);
    return selectReplica(candidates, key, config.routing.affinityMaxExtraInFlight, turn++);
  };
}

/**
 * Resolves the model a caller asked for: the served name behind an alias, and the limits in force.
 * @throws AppError MODEL_NOT_FOUND (unknown or not allowed by a plan), NO_BACKEND_AVAILABLE.
 */
export async function resolveModel(
  ctx: Pick<InferenceContext, 'config' | 'registry' | 'limiter'>,
  caller: Caller,
  requested: string,
): Promise<{ served: string; subjects: SubjectLimits[] }> {
  const { config, registry, limiter } = ctx;
  const served = config.aliases[requested] ?? requested;
  const subjects = await limiter.limitsFor(caller);
  if (!limiter.allows(subjects, [requested, served]) || !registry.all().some((b) => b.serves(served))) {
    throw new AppError(
      'MODEL_NOT_FOUND',
      `The model \`${requested}\` does not exist or you do not have access to it.`,
    );
  }
  if (!registry.hasRoutable(served)) {
    throw new AppError('NO_BACKEND_AVAILABLE', undefined, undefined, { 'retry-after': '1' });
  }
  return { served, subjects };
}

/** One inference request, whichever HTTP path (Express or the lean one) received it. */
export interface InferenceRequest {
  /** The request body, validated against the endpoint's schema. */
  body: Record<string, unknown>;
  /** The request id (UUID). */
  id: string;
  log: Logger;
  caller: Caller;
}

/**
 * Serves one OpenAI-compatible inference request: model and alias resolution, plan checks, limits,
 * replica selection with retries, relay (JSON or SSE), receipt, usage. Throws an AppError when it
 * fails before a call was admitted (the error handler answers it).
 */
export async function serveInference(
  ctx: InferenceContext,
  op: GatewayOp,
  path: string,
  pick: ReturnType<typeof replicaPicker>,
  request: InferenceRequest,
  res: ServerResponse,
): Promise<void> {
  const { config, limiter, metrics } = ctx;
  const { body, caller } = request;
  const requested = body.model as string;
  const { served, subjects } = await resolveModel(ctx, caller, requested);
  let input: Buffer | undefined;
  if (ctx.callDeps.evidence) {
    try {
      input = canonicalBytes(body); // EVIDENCE.md §1: input_hash = SHA-256 of JCS (RFC 8785) of the body.
    } catch (err) {
      if (!(err instanceof CanonicalizationError)) throw err;
      throw new AppError('VALIDATION_FAILED', `The request body cannot be canonicalized: ${err.message}.`);
    }
  }
  const retention = ctx.callDeps.retention;
  const retained =
    input !== undefined && retention !== undefined && (await retention.content.mode()) === 'full';
  const stream = op !== 'embeddings' && body.stream === true;
  const admission = await limiter.admit(subjects, stream).catch((err: unknown) => {
    if (err instanceof AppError && err.status === 429) {
      metrics.requests.inc({ model: requested, backend: '', status: 'rate_limited' });
    }
    throw err;
  });

  const call = new Call(ctx.callDeps, op, request.id, caller, requested, admission, () => promptChars(body));
  if (input !== undefined) call.inputHash = sha256(input);
  if (retained && input !== undefined) call.retained = { input, maxOutputBytes: config.maxResponseBytes };
  res.once('close', () => {
    if (!res.writableFinished) call.controller.abort(new UpstreamError('cancelled', 'the client went away'));
  });
  const includeUsage = stream && isObject(body.stream_options) && body.stream_options.include_usage === true;
  const key = op === 'embeddings' ? undefined : affinityKey(body, config.routing.affinityPrefixChars);
  const deadlines = new Deadlines(call.controller, config.timeouts);
  try {
    const dispatched = await dispatch({
      pick: (exclude) => pick(served, key, exclude),
      path,
      body: upstreamBody(body, served, stream),
      headers: { 'x-request-id': request.id, accept: stream ? 'text/event-stream' : 'application/json' },
      signal: call.controller.signal,
      deadlines,
      connectMs: config.timeouts.connectMs,
      maxAttempts: config.retry.maxAttempts,
      metrics,
      get log() {
        return request.log;
      },
    });
    call.backend = dispatched.backend.id;
    const upstream = dispatched.exchange.res;
    const sse = (upstream.headers['content-type'] ?? '').startsWith('text/event-stream');
    if (stream && sse && upstream.statusCode === 200) {
      await relayStream(call, dispatched, res, deadlines, includeUsage, admission.headers);
    } else {
      await relayJson(call, dispatched, res, deadlines, config.maxResponseBytes, admission.headers);
    }
  } catch (err) {
    await fail(call, res, request.log, err, admission.headers);
  } finally {
    deadlines.clear();
  }
}

/** Express `POST` handler of one OpenAI-compatible inference endpoint (after guard and validation). */
export function inferenceHandler(ctx: InferenceContext, op: GatewayOp, path: string): RequestHandler {
  const pick = replicaPicker(ctx);
  return async (req, res) => {
    const body = req.body as Record<string, unknown>;
    await serveInference(
      ctx,
      op,
      path,
      pick,
      { body, id: req.id, log: req.log, caller: ctx.caller(req) },
      res,
    );
  };
}
