import type { Logger } from 'pino';
import { AppError } from '../../platform/errors.js';
import type { Backend } from '../backends/backend.js';
import type { GatewayMetrics } from '../metrics.js';
import { type Deadlines, openUpstream, UpstreamError, type UpstreamExchange } from './upstream.js';

/** How a finished exchange reflects on the replica's health (circuit breaker input). */
export type Verdict = 'success' | 'failure' | 'neutral';

/** An exchange in progress on a chosen replica. */
export interface Dispatched {
  backend: Backend;
  exchange: UpstreamExchange;
  /** Ends the replica's part: in-flight count, circuit breaker verdict. Idempotent. */
  release(verdict: Verdict): void;
}

export interface DispatchOptions {
  /** The next replica to try, never one of `exclude`; undefined when none is left. */
  pick(exclude: ReadonlySet<string>): Backend | undefined;
  path: string;
  body: Buffer;
  headers: Record<string, string>;
  signal: AbortSignal;
  deadlines: Deadlines;
  connectMs: number;
  maxAttempts: number;
  metrics: GatewayMetrics;
  log: Logger;
}

/** Statuses meaning "this replica cannot take the request now" (retried before any byte is sent). */
const RETRY_STATUSES = new Set([502, 503]);

function acquire(backend: Backend, metrics: GatewayMetrics): (verdict: Verdict) => void {
  backend.inFlight += 1;
  backend.breaker.onAttempt();
  metrics.inFlight.inc({ backend: backend.id });
  let released = false;
  return (verdict) => {
    if (released) return;
    released = true;
    backend.inFlight -= 1;
    metrics.inFlight.dec({ backend: backend.id });
    if (verdict === 'success') backend.breaker.onSuccess();
    else if (verdict === 'failure') backend.breaker.onFailure();
    else backend.breaker.onNeutral();
    if (backend.removed && backend.inFlight === 0) backend.close();
  };
}

/** The client-facing error for a failed exchange. */
export function upstreamAppError(err: UpstreamError): AppError {
  if (err.kind === 'timeout')
    return new AppError('BACKEND_TIMEOUT', `The model backend timed out: ${err.message}.`);
  return new AppError('BACKEND_ERROR');
}

/**
 * Sends a request to a replica chosen by `pick`, retrying on another replica when the connection
 * could not be made or the replica answered 502/503, up to `maxAttempts` (nothing has reached the
 * client yet at that point); a keep-alive socket the replica had closed may be retried on the same
 * replica. A last 502/503 is returned as is. Throws NO_BACKEND_AVAILABLE,
 * BACKEND_ERROR, BACKEND_TIMEOUT, or the cancelling UpstreamError when the client left.
 */
export async function dispatch(o: DispatchOptions): Promise<Dispatched> {
  const tried = new Set<string>();
  let lastError: AppError | undefined;
  for (let attempt = 1; attempt <= o.maxAttempts; attempt++) {
    const backend = o.pick(tried);
    if (!backend) break;
    tried.add(backend.id);
    const release = acquire(backend, o.metrics);
    const started = performance.now();
    o.deadlines.awaitFirstByte();
    let exchange: UpstreamExchange;
    try {
      exchange = await openUpstream({
        backend,
        path: o.path,
        body: o.body,
        headers: o.headers,
        connectMs: o.connectMs,
        signal: o.signal,
      });
    } catch (err) {
      const failure = err instanceof UpstreamError ? err : new UpstreamError('reset', String(err));
      if (failure.kind === 'cancelled') {
        release('neutral');
        throw failure;
      }
      release(failure.staleSocket ? 'neutral' : 'failure');
      o.log.warn(
        { backend: backend.id, kind: failure.kind, error: failure.message },
        'backend request failed',
      );
      if (failure.kind !== 'connect') throw upstreamAppError(failure);
      lastError = new AppError('BACKEND_ERROR', 'No model backend replica could be reached.');
      o.metrics.retries.inc({ reason: 'connect' });
      // The replica closed an idle socket as it was reused: the request never reached it, and the
      // next attempt may go to the same replica (on another socket).
      if (failure.staleSocket) tried.delete(backend.id);
      continue;
    }
    const status = exchange.res.statusCode ?? 0;
    if (RETRY_STATUSES.has(status) && attempt < o.maxAttempts && o.pick(new Set([...tried])) !== undefined) {
      exchange.res.resume(); // Drain it so the connection goes back to the pool.
      release('failure');
      o.log.warn({ backend: backend.id, status }, 'backend busy or failing: trying another replica');
      o.metrics.retries.inc({ reason: `status_${status}` });
      continue;
    }
    backend.observeLatency(performance.now() - started);
    return { backend, exchange, release };
  }
  throw lastError ?? new AppError('NO_BACKEND_AVAILABLE', undefined, undefined, { 'retry-after': '1' });
}
