import { randomUUID } from 'node:crypto';
import { trace } from '@opentelemetry/api';
import type { RequestHandler } from 'express';
import type { Logger } from 'pino';
import { runWithContext } from '../context.js';
import { requestLines } from './request-line.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

/** The request id: the caller's `x-request-id` when it is a UUID, else a new UUIDv4. */
export const requestIdOf = (incoming: string | undefined): string =>
  incoming && UUID.test(incoming) ? incoming.toLowerCase() : randomUUID();

declare global {
  namespace Express {
    interface Request {
      /** The request id: the caller's `x-request-id` when it is a UUID, else a new UUIDv4. */
      id: string;
      /** A child logger carrying the request id and trace id. */
      log: Logger;
    }
  }
}

/**
 * Assigns the request id (echoed as `x-request-id`; receipts and audit events carry it, so it must be
 * a UUID), binds a child logger and the request context, and logs one line when the response closes.
 */
export function requestContext(log: Logger): RequestHandler {
  const lines = requestLines(log);
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    req.id = requestIdOf(req.get('x-request-id'));
    const traceId = trace.getActiveSpan()?.spanContext().traceId;
    req.log = log.child(traceId ? { requestId: req.id, traceId } : { requestId: req.id });
    res.setHeader('x-request-id', req.id);
    res.on('close', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      lines({
        requestId: req.id,
        traceId,
        method: req.method,
        path: req.path,
        route: req.route?.path as string | undefined,
        status: res.statusCode,
        ms: Math.round(ms * 100) / 100,
        bytesIn: Number(req.get('content-length') ?? 0),
        aborted: !res.writableFinished,
      });
    });
    runWithContext(
      traceId ? { requestId: req.id, traceId, log: req.log } : { requestId: req.id, log: req.log },
      next,
    );
  };
}
