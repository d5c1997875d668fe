/**
 * A lean path for a few public, read-only, high-volume GET endpoints (the transparency logs' proofs
 * and checkpoints, which auditors and witnesses poll): served straight from `node:http` before the
 * Express stack, with what that stack gives every response all the same: the request id, the
 * security headers (captured once from the app's own helmet middleware), the drain signal, the
 * request metrics and log line, and the catalogue's error codes in the appliance's error body.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type ParsedUrlQuery, parse as parseQuery } from 'node:querystring';
import type { RequestHandler } from 'express';
import type { Logger } from 'pino';
import type { Metrics } from '../../telemetry/metrics.js';
import { AppError } from '../errors.js';
import type { Health } from '../health.js';
import { asAppError, errorBody } from './error-handler.js';
import { requestIdOf } from './request-context.js';

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
  /** Flat name, value list (the form `writeHead` takes). */
  readonly #headers: string[];
  /**
   * The request line's logger: its fields are the fixed ones written below (no header, query or
   * body), so the redaction pass the application logger runs on every line is skipped for them.
   */
  readonly #lines: Logger;

  constructor(
    private readonly deps: { log: Logger; metrics: Metrics; health: Health; security: RequestHandler },
  ) {
    this.#headers = staticHeaders(deps.security).flat();
    this.#lines = deps.log.child({}, { redact: [] });
  }

  /** Serves `GET path` (exact, no parameters) on the lean path; `route` labels its metrics. */
  get(path: string, route: string, handler: LeanHandler): void {
    this.#routes.set(path, { route, handler });
  }

  /** Serves the request when it is a GET of a lean route; false leaves it to Express. */
  serve(req: IncomingMessage, res: ServerResponse): boolean {
    if (req.method !== 'GET' || req.url === undefined) return false;
    const q = req.url.indexOf('?');
    const path = q < 0 ? req.url : req.url.slice(0, q);
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
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const labels = { method: 'GET', route, status: String(status) };
    this.deps.metrics.httpRequests.inc(labels);
    this.deps.metrics.httpDuration.observe(labels, seconds);
    const line = {
      requestId: id,
      method: 'GET',
      path,
      route,
      status,
      ms: Math.round(seconds * 1e5) / 100,
    };
    if (status >= 500) this.#lines.error(line, 'request failed');
    else this.#lines.info(line, 'request completed');
  }
}
