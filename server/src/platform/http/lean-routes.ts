/**
 * A lean path for the busiest endpoints: a few public, read-only GET endpoints (the transparency
 * logs' proofs and checkpoints, which auditors and witnesses poll) and the OpenAI-compatible
 * inference POSTs. They are served straight from `node:http` before the Express stack, with what
 * that stack gives every response all the same: the request id, the security headers (captured
 * once from the app's own helmet middleware), the drain signal, the request context, the request
 * metrics and log line, the JSON body parsing with its limit, and the catalogue's error codes in
 * the error body of the route (OpenAI's shape under `/v1/`).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type ParsedUrlQuery, parse as parseQuery } from 'node:querystring';
import { trace } from '@opentelemetry/api';
import type { RequestHandler } from 'express';
import type { Logger } from 'pino';
import type { Metrics } from '../../telemetry/metrics.js';
import { runWithContext } from '../context.js';
import { AppError } from '../errors.js';
import type { Health } from '../health.js';
import { asAppError, errorBody, errorResponseBody, logError } from './error-handler.js';
import { byteSize, readJsonBody } from './lean-body.js';
import { requestIdOf } from './request-context.js';
import { type RequestLine, requestLines } from './request-line.js';

/** A lean handler's answer. */
export interface LeanReply {
  type: string;
  body: string | Buffer;
  headers?: Record<string, string>;
}

/**
 * Answers a request (already routed by its exact path), at once or through a promise; throws (or
 * rejects with) AppError for a 4xx.
 */
export type LeanHandler = (req: IncomingMessage, query: ParsedUrlQuery) => LeanReply | Promise<LeanReply>;

/** What a lean POST handler gets besides the request and response. */
export interface LeanRequest {
  /** The request id (also sent as `x-request-id`). */
  id: string;
  /** A child logger carrying the request id (and trace id). */
  log: Logger;
  /** Reads the JSON body as `express.json` would (undefined without a body). */
  body(): Promise<unknown>;
}

/**
 * A POST endpoint on the lean path. `accepts` decides synchronously, from the request head, whether
 * the lean path serves it (false leaves it to Express); `handle` writes the response itself and
 * throws an AppError when it fails before anything was sent.
 */
export interface LeanExchange {
  accepts(req: IncomingMessage): boolean;
  handle(req: IncomingMessage, res: ServerResponse, request: LeanRequest): Promise<void>;
}

/** Headers `middleware` sets on every response (helmet's are static for a given configuration). */
function staticHeaders(middleware: RequestHandler): Array<[string, string]> {
  const headers: Array<[string, string]> = [];
  const res = {
    setHeader: (name: string, value: unknown) => headers.push([name, String(value)]),
    removeHeader: () => undefined,
    getHeader: () => undefined,
  };
  let called = false;
  middleware({ headers: {}, method: 'GET', url: '/' } as never, res as never, () => {
    called = true;
  });
  if (!called) throw new Error('the security middleware did not complete synchronously');
  return headers;
}

/** A request being answered on the lean path. */
interface Answering {
  res: ServerResponse;
  path: string;
  route: string;
  id: string;
  /** `process.hrtime.bigint()` when it was routed. */
  started: bigint;
}

export class LeanRoutes {
  readonly #routes = new Map<string, { route: string; handler: LeanHandler }>();
  readonly #posts = new Map<string, { route: string; exchange: LeanExchange }>();
  readonly #pairs: Array<[string, string]>;
  /** Flat name, value list (the form `writeHead` takes). */
  readonly #headers: string[];
  readonly #bodyLimit: number;
  /** Each request's one log line (request-line.ts). */
  readonly #lines: (line: RequestLine) => void;

  constructor(
    private readonly deps: {
      log: Logger;
      metrics: Metrics;
      health: Health;
      security: RequestHandler;
      /** Largest JSON body a POST may carry (`jsonBodyLimit`: `512kb`; default `4mb`, as its config). */
      jsonBodyLimit?: string;
    },
  ) {
    this.#pairs = staticHeaders(deps.security);
    this.#headers = this.#pairs.flat();
    this.#bodyLimit = byteSize(deps.jsonBodyLimit ?? '4mb');
    this.#lines = requestLines(deps.log);
  }

  /** Serves `GET path` (exact, no parameters) on the lean path; `route` labels its metrics. */
  get(path: string, route: string, handler: LeanHandler): void {
    this.#routes.set(path, { route, handler });
  }

  /** Serves `POST path` (exact, any query ignored) on the lean path when `exchange` accepts it. */
  post(path: string, route: string, exchange: LeanExchange): void {
    this.#posts.set(path, { route, exchange });
  }

  /** Serves the request when it is for a lean route; false leaves it to Express. */
  serve(req: IncomingMessage, res: ServerResponse): boolean {
    if (req.url === undefined) return false;
    const q = req.url.indexOf('?');
    const path = q < 0 ? req.url : req.url.slice(0, q);
    if (req.method === 'POST') {
      const post = this.#posts.get(path);
      if (post === undefined || !post.exchange.accepts(req)) return false;
      this.#exchange(req, res, path, post.route, post.exchange);
      return true;
    }
    if (req.method !== 'GET') return false;
    const entry = this.#routes.get(path);
    if (entry === undefined) return false;
    const started = process.hrtime.bigint();
    const id = requestIdOf(req.headers['x-request-id'] as string | undefined);
    const request: Answering = { res, path, route: entry.route, id, started };
    let reply: LeanReply | Promise<LeanReply>;
    try {
      reply = entry.handler(req, parseQuery(q < 0 ? '' : req.url.slice(q + 1)));
    } catch (err) {
      this.#send(request, ...this.#failure(err, id));
      return true;
    }
    // A reply known at once is written at once, without a promise.
    if (!(reply instanceof Promise)) this.#send(request, 200, reply);
    else
      reply.then(
        (r) => this.#send(request, 200, r),
        (err: unknown) => this.#send(request, ...this.#failure(err, id)),
      );
    return true;
  }

  /** The status and error body of a failed request (AppError codes; anything else is INTERNAL). */
  #failure(err: unknown, id: string): [number, LeanReply] {
    const known = asAppError(err);
    const error = known ?? new AppError('INTERNAL');
    if (!known) this.deps.log.error({ err, requestId: id }, 'unhandled error');
    return [
      error.status,
      {
        type: 'application/json; charset=utf-8',
        body: JSON.stringify(errorBody(error, id)),
        ...(error.headers ? { headers: error.headers } : {}),
      },
    ];
  }

  #send(request: Answering, status: number, reply: LeanReply): void {
    const { res, path, route, id, started } = request;
    // One writeHead with a flat list: the cheapest way to send many headers.
    const headers = [...this.#headers, 'x-request-id', id, 'content-type', reply.type];
    headers.push('content-length', String(Buffer.byteLength(reply.body)));
    for (const [name, value] of Object.entries(reply.headers ?? {})) headers.push(name, value);
    // While draining, close each connection after its response so clients reconnect elsewhere.
    if (this.deps.health.isDraining) headers.push('connection', 'close');
    res.writeHead(status, headers).end(reply.body);
    this.#record('GET', { requestId: id }, path, route, status, started);
  }

  /** The request's metrics and its one log line. */
  #record(
    method: 'GET' | 'POST',
    bindings: { requestId: string; traceId?: string },
    path: string,
    route: string,
    status: number,
    started: bigint,
    body?: { bytesIn: number; aborted: boolean },
  ): void {
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const labels = { method, route, status: String(status) };
    this.deps.metrics.httpRequests.inc(labels);
    this.deps.metrics.httpDuration.observe(labels, seconds);
    this.#lines({ ...bindings, method, path, route, status, ms: Math.round(seconds * 1e5) / 100, ...body });
  }

  #exchange(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    route: string,
    exchange: LeanExchange,
  ): void {
    const started = process.hrtime.bigint();
    const id = requestIdOf(req.headers['x-request-id'] as string | undefined);
    const traceId = trace.getActiveSpan()?.spanContext().traceId;
    const bindings = traceId ? { requestId: id, traceId } : { requestId: id };
    // The child logger only when something logs with it: most requests log their one line only.
    let child: Logger | undefined;
    const logOf = () => {
      child ??= this.deps.log.child(bindings);
      return child;
    };
    for (const [name, value] of this.#pairs) res.setHeader(name, value);
    res.setHeader('x-request-id', id);
    if (this.deps.health.isDraining) res.setHeader('connection', 'close');
    res.once('close', () => {
      this.#record('POST', bindings, path, route, res.statusCode, started, {
        bytesIn: Number(req.headers['content-length'] ?? 0),
        aborted: !res.writableFinished,
      });
    });
    const request: LeanRequest = {
      id,
      get log() {
        return logOf();
      },
      body: () => readJsonBody(req, this.#bodyLimit),
    };
    const context = {
      ...bindings,
      get log() {
        return logOf();
      },
    };
    runWithContext(context, () =>
      exchange.handle(req, res, request).catch((err: unknown) => {
        const error = logError(logOf(), err, asAppError(err));
        if (res.headersSent) {
          res.destroy();
          return;
        }
        const body = JSON.stringify(errorResponseBody(error, path, id));
        for (const [name, value] of Object.entries(error.headers ?? {})) res.setHeader(name, value);
        res.statusCode = error.status;
        res.setHeader('content-type', 'application/json; charset=utf-8');
        res.setHeader('content-length', Buffer.byteLength(body));
        res.end(body);
      }),
    );
  }
}
