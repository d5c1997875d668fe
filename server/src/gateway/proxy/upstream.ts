import { type ClientRequest, request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Backend } from '../backends/backend.js';

/** How an exchange with a replica failed. */
export type UpstreamFailure =
  /** No connection was made (refused, unreachable, connect timeout, stale keep-alive socket): safe to retry. */
  | 'connect'
  /** The connection broke after the request may have reached the replica. */
  | 'reset'
  /** A first-byte, idle or total timeout fired. */
  | 'timeout'
  /** The client went away; the exchange was cancelled. */
  | 'cancelled'
  /** The replica answered something that is not a valid OpenAI response. */
  | 'protocol';

/** A failed exchange with a replica; also used as the abort reason of an exchange. */
export class UpstreamError extends Error {
  constructor(
    readonly kind: UpstreamFailure,
    message: string,
    /** A `connect` failure of a reused keep-alive socket the replica had just closed. */
    readonly staleSocket = false,
  ) {
    super(message);
    this.name = 'UpstreamError';
  }
}

/** Errors raised before any connection existed (Node/libuv codes). */
const CONNECT_CODES = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
/** Errors a reused keep-alive socket raises when the server had closed it: the request never arrived. */
const STALE_SOCKET_CODES = new Set(['ECONNRESET', 'EPIPE']);

function classify(err: unknown, reusedSocket: boolean): UpstreamError {
  if (err instanceof UpstreamError) return err;
  const code = (err as { code?: unknown } | null)?.code;
  const message = err instanceof Error ? err.message : String(err);
  if (typeof code === 'string' && CONNECT_CODES.has(code)) return new UpstreamError('connect', message);
  // Node's documented retry case for keep-alive races (http docs: request.reusedSocket).
  if (reusedSocket && typeof code === 'string' && STALE_SOCKET_CODES.has(code)) {
    return new UpstreamError('connect', message, true);
  }
  return new UpstreamError('reset', message);
}

/** One request to a replica. */
export interface UpstreamRequest {
  backend: Backend;
  /** API path, e.g. `/v1/chat/completions`. */
  path: string;
  body: Buffer;
  headers: Record<string, string>;
  connectMs: number;
  /** Aborting destroys the exchange; the reason (an {@link UpstreamError}) is what the caller sees. */
  signal: AbortSignal;
}

/** An open exchange: the response head has arrived, the body is still to be read. */
export interface UpstreamExchange {
  req: ClientRequest;
  res: IncomingMessage;
}

/**
 * POSTs a JSON body to a replica over its keep-alive pool and resolves when the response head
 * arrives. Rejects with an {@link UpstreamError}; `connect` failures never reached the replica.
 */
export function openUpstream(r: UpstreamRequest): Promise<UpstreamExchange> {
  const url = r.backend.urlOf(r.path);
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const headers: Record<string, string> = {
    ...r.headers,
    'content-type': 'application/json',
    'content-length': String(r.body.length),
  };
  if (r.backend.config.apiKey) headers.authorization = `Bearer ${r.backend.config.apiKey}`;
  return new Promise((resolve, reject) => {
    if (r.signal.aborted) {
      reject(classify(r.signal.reason, false));
      return;
    }
    const req = request(url, { method: 'POST', agent: r.backend.agent, headers });
    let connectTimer: NodeJS.Timeout | undefined;
    let settled = false;
    const onAbort = () => req.destroy(r.signal.reason as Error);
    r.signal.addEventListener('abort', onAbort, { once: true });
    req.once('socket', (socket) => {
      if (!socket.connecting) return;
      connectTimer = setTimeout(
        () => req.destroy(new UpstreamError('connect', `no connection within ${r.connectMs} ms`)),
        r.connectMs,
      );
      socket.once('connect', () => clearTimeout(connectTimer));
    });
    req.on('error', (err) => {
      clearTimeout(connectTimer);
      if (settled) return;
      settled = true;
      r.signal.removeEventListener('abort', onAbort);
      reject(classify(err, req.reusedSocket));
    });
    req.once('response', (res) => {
      clearTimeout(connectTimer);
      settled = true;
      // From here the reader owns the exchange; an abort still destroys it.
      res.once('close', () => r.signal.removeEventListener('abort', onAbort));
      resolve({ req, res });
    });
    req.end(r.body);
  });
}

/**
 * The timers of one call, so a stuck replica never holds a client forever: total, first byte of the
 * response body, and idle gaps between chunks. Each fires by aborting the call's controller with an
 * {@link UpstreamError} of kind `timeout`. Chunks only record the time; the idle timer re-arms
 * itself when it fires early, so a stream of thousands of tokens does not churn timers.
 */
export class Deadlines {
  private readonly total: NodeJS.Timeout;
  private firstByte: NodeJS.Timeout | undefined;
  private idle: NodeJS.Timeout | undefined;
  private lastActivity = 0;
  private idlePaused = false;

  constructor(
    private readonly controller: AbortController,
    private readonly ms: { firstByteMs: number; idleMs: number; totalMs: number },
  ) {
    this.total = this.timer(ms.totalMs, `the call took longer than ${ms.totalMs} ms`);
  }

  private timer(ms: number, message: string): NodeJS.Timeout {
    return setTimeout(() => this.controller.abort(new UpstreamError('timeout', message)), ms);
  }

  private armIdle(ms: number): void {
    this.idle = setTimeout(() => {
      const quiet = performance.now() - this.lastActivity;
      if (this.idlePaused) return;
      if (quiet >= this.ms.idleMs) {
        this.controller.abort(new UpstreamError('timeout', `no data for ${this.ms.idleMs} ms`));
      } else this.armIdle(this.ms.idleMs - quiet);
    }, ms);
  }

  /** An attempt starts: the first byte must come within firstByteMs. */
  awaitFirstByte(): void {
    clearTimeout(this.firstByte);
    clearTimeout(this.idle);
    this.idle = undefined;
    this.firstByte = this.timer(this.ms.firstByteMs, `no answer within ${this.ms.firstByteMs} ms`);
  }

  /** A chunk arrived (the first one also ends the first-byte wait). */
  activity(): void {
    this.lastActivity = performance.now();
    if (this.firstByte !== undefined) {
      clearTimeout(this.firstByte);
      this.firstByte = undefined;
    }
    if (this.idle === undefined && !this.idlePaused) this.armIdle(this.ms.idleMs);
  }

  /** The client is slow (backpressure): the pause is ours, not the replica's. */
  pauseIdle(): void {
    this.idlePaused = true;
    clearTimeout(this.idle);
    this.idle = undefined;
  }

  resumeIdle(): void {
    this.idlePaused = false;
    this.activity();
  }

  clear(): void {
    clearTimeout(this.total);
    clearTimeout(this.firstByte);
    clearTimeout(this.idle);
  }
}
