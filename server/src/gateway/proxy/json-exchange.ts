import type { IncomingMessage, ServerResponse } from 'node:http';
import { AppError } from '../../platform/errors.js';
import type { Call } from '../call.js';
import { appErrorBody, upstreamErrorBody } from '../openai-errors.js';
import { jsonOutputBytes, NOTHING_WRITTEN, type OperationStatus, sha256 } from '../operation.js';
import type { Dispatched } from './dispatch.js';
import { type Deadlines, UpstreamError } from './upstream.js';

/** Reads a whole response body, feeding the deadlines; rejects with an UpstreamError. */
export function readBody(res: IncomingMessage, deadlines: Deadlines, maxBytes: number, signal: AbortSignal) {
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    res.on('data', (chunk: Buffer) => {
      deadlines.activity();
      size += chunk.length;
      if (size > maxBytes) {
        res.destroy(new UpstreamError('protocol', `answer larger than ${maxBytes} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    res.once('end', () => resolve(Buffer.concat(chunks)));
    res.once('close', () => {
      if (res.complete) return;
      const reason: unknown = signal.reason;
      reject(
        reason instanceof UpstreamError
          ? reason
          : new UpstreamError('reset', 'the backend closed the answer'),
      );
    });
    // Errors also end in 'close' (handled above); the listener keeps them from being unhandled.
    res.on('error', (err) => {
      if (err instanceof UpstreamError) reject(err);
    });
  });
}

/** `raw` (a JSON object's text) with a top-level `tecp_receipt` member added (EVIDENCE.md §1.2). */
export function withReceipt(raw: string, empty: boolean, receipt: Record<string, unknown>): string {
  const text = raw.trimEnd();
  return `${text.slice(0, -1)}${empty ? '' : ','}"tecp_receipt":${JSON.stringify(receipt)}}`;
}

/**
 * Ends a call with a JSON answer: the receipt is recorded before anything is sent, then the body goes
 * out with `tecp_receipt` and `x-tecp-receipt-id` (EVIDENCE.md §1.2). `raw` is sent byte for byte
 * when there is no receipt.
 */
export async function sendJson(
  call: Call,
  client: ServerResponse,
  status: number,
  raw: string,
  body: Record<string, unknown>,
  outcome: OperationStatus,
  headers: Record<string, string>,
): Promise<void> {
  const bytes = call.hasEvidence ? jsonOutputBytes(body) : undefined;
  const kept = call.retained && bytes ? { bytes, mediaType: 'application/json' } : undefined;
  const end = await call.end(outcome, bytes ? sha256(bytes) : NOTHING_WRITTEN, kept);
  if (end.evidenceFailed) throw new AppError('EVIDENCE_UNAVAILABLE');
  if (client.destroyed) return;
  client.statusCode = status;
  for (const [name, value] of Object.entries(headers)) client.setHeader(name, value);
  client.setHeader('content-type', 'application/json');
  if (end.receipt) {
    client.setHeader('x-tecp-receipt-id', end.receipt.id);
    client.end(withReceipt(raw, Object.keys(body).length === 0, end.receipt.receipt));
  } else {
    client.end(raw);
  }
}

/** Ends a call that failed before any byte was sent with an OpenAI error body (and its receipt). */
export async function sendError(
  call: Call,
  client: ServerResponse,
  error: AppError,
  headers: Record<string, string>,
) {
  const body = appErrorBody(error);
  await sendJson(call, client, error.status, JSON.stringify(body), { ...body }, 'error', {
    ...headers,
    ...(error.headers ?? {}),
  });
}

/**
 * Reads a replica's whole non-streaming answer: its status, bytes, and JSON value (undefined when
 * the bytes are not JSON). A failed read frees the replica and rethrows.
 */
export async function readAnswer(call: Call, dispatched: Dispatched, deadlines: Deadlines, maxBytes: number) {
  const upstream = dispatched.exchange.res;
  const status = upstream.statusCode ?? 502;
  let raw: Buffer;
  try {
    raw = await readBody(upstream, deadlines, maxBytes, call.controller.signal);
  } catch (err) {
    dispatched.release(call.cancelled ? 'neutral' : 'failure');
    throw err;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString('utf8'));
  } catch {
    parsed = undefined;
  }
  return { status, raw, parsed };
}

/**
 * A non-streaming exchange: reads the replica's whole answer, takes its usage, and relays it (or its
 * error, reshaped to OpenAI's error body).
 */
export async function relayJson(
  call: Call,
  dispatched: Dispatched,
  client: ServerResponse,
  deadlines: Deadlines,
  maxBytes: number,
  headers: Record<string, string>,
): Promise<void> {
  const { status, raw, parsed } = await readAnswer(call, dispatched, deadlines, maxBytes);
  const isObject = parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed);
  if (status >= 200 && status < 300 && isObject) {
    dispatched.release('success');
    call.firstToken();
    call.setUsage((parsed as Record<string, unknown>).usage);
    await sendJson(
      call,
      client,
      status,
      raw.toString('utf8'),
      parsed as Record<string, unknown>,
      'ok',
      headers,
    );
    return;
  }
  if (status < 400) {
    dispatched.release('failure');
    throw new UpstreamError('protocol', `the backend answered ${status} without a JSON object`);
  }
  dispatched.release(status >= 500 ? 'failure' : 'neutral');
  const body = upstreamErrorBody(parsed, status);
  await sendJson(call, client, status, JSON.stringify(body), { ...body }, 'error', headers);
}
