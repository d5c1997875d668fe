import type { ServerResponse } from 'node:http';
import type { Call } from '../call.js';
import { appErrorBody } from '../openai-errors.js';
import { NOTHING_WRITTEN, OutputHasher, receiptEvent } from '../operation.js';
import { type Dispatched, upstreamAppError } from './dispatch.js';
import { eventData, isDone, SseSplitter } from './sse.js';
import { type Deadlines, UpstreamError } from './upstream.js';

const DONE = 'data: [DONE]\n\n';

type StreamOutcome = { status: 'ok' } | { status: 'cancelled' } | { status: 'error'; error?: UpstreamError };

/** Parses the data of an event; undefined when it is not a JSON object. */
function parseEvent(event: Buffer): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(eventData(event));
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A streaming exchange (OpenAI server-sent events): relays the replica's events byte for byte with
 * backpressure (a slow client pauses the replica's socket), takes the usage chunk that
 * `stream_options.include_usage` adds (dropped when the client did not ask for it), and ends with
 * the receipt event and `data: [DONE]` (EVIDENCE.md §1.2). The output hash covers every byte written
 * before the receipt event. A stream the replica breaks ends with an OpenAI error event.
 */
export async function relayStream(
  call: Call,
  dispatched: Dispatched,
  client: ServerResponse,
  deadlines: Deadlines,
  includeUsage: boolean,
  headers: Record<string, string>,
): Promise<void> {
  const upstream = dispatched.exchange.res;
  const hasher = call.hasEvidence ? new OutputHasher(call.retained?.maxOutputBytes) : undefined;
  const write = (bytes: Buffer | string): boolean => {
    if (client.destroyed || client.writableEnded) return true;
    hasher?.update(bytes);
    return client.write(bytes);
  };
  client.statusCode = 200;
  for (const [name, value] of Object.entries(headers)) client.setHeader(name, value);
  client.setHeader('content-type', 'text/event-stream; charset=utf-8');
  client.setHeader('cache-control', 'no-cache');
  // Ingress controllers (nginx) would otherwise buffer the stream.
  client.setHeader('x-accel-buffering', 'no');
  client.flushHeaders();

  const splitter = new SseSplitter();
  let sawDone = false;
  let sawError = false;
  let waiting = false;
  const outcome = await new Promise<StreamOutcome>((resolve) => {
    upstream.on('data', (chunk: Buffer) => {
      deadlines.activity();
      const out: Buffer[] = [];
      for (const event of splitter.push(chunk)) {
        if (sawDone) continue;
        if (isDone(event)) {
          sawDone = true;
          continue;
        }
        if (event.includes('"usage":{') || event.includes('"error"')) {
          const data = parseEvent(event);
          if (data?.error !== undefined && data.error !== null) sawError = true;
          if (data?.usage !== undefined) {
            call.setUsage(data.usage);
            const choices = data.choices;
            if (!includeUsage && Array.isArray(choices) && choices.length === 0) continue;
          }
        }
        if (event.includes('"choices":[{')) call.chunks += 1;
        call.firstToken();
        out.push(event);
      }
      if (out.length === 0) return;
      if (!write(out.length === 1 ? (out[0] as Buffer) : Buffer.concat(out)) && !waiting) {
        // Backpressure: stop reading from the replica until the client has taken what was written.
        waiting = true;
        upstream.pause();
        deadlines.pauseIdle();
        client.once('drain', () => {
          waiting = false;
          deadlines.resumeIdle();
          upstream.resume();
        });
      }
    });
    upstream.once('end', () => {
      resolve(
        sawDone
          ? sawError
            ? { status: 'error' }
            : { status: 'ok' }
          : { status: 'error', error: new UpstreamError('reset', 'the stream ended without [DONE]') },
      );
    });
    upstream.once('close', () => {
      if (upstream.complete) return;
      const reason: unknown = call.controller.signal.reason;
      if (call.cancelled) resolve({ status: 'cancelled' });
      else
        resolve({
          status: 'error',
          error:
            reason instanceof UpstreamError
              ? reason
              : new UpstreamError('reset', 'the backend broke the stream'),
        });
    });
    // Failures also end in 'close' (handled above); the listener keeps them from being unhandled.
    upstream.on('error', () => {});
  });

  // The bytes written so far, hashed (and kept when retained) for the receipt.
  const written = () => {
    const kept = hasher?.bytes();
    return [
      hasher?.digest() ?? NOTHING_WRITTEN,
      kept ? { bytes: kept, mediaType: 'text/event-stream' } : undefined,
    ] as const;
  };
  if (outcome.status === 'cancelled') {
    dispatched.release('neutral');
    await call.end('cancelled', ...written());
    return;
  }
  const broken = outcome.status === 'error' ? outcome.error : undefined;
  dispatched.release(broken ? 'failure' : sawError ? 'neutral' : 'success');
  if (broken) write(`data: ${JSON.stringify(appErrorBody(upstreamAppError(broken)))}\n\n`);
  const end = await call.end(outcome.status, ...written());
  if (end.evidenceFailed) {
    // The result may not be delivered without its receipt: cut the stream before [DONE].
    client.destroy();
    return;
  }
  if (client.destroyed || client.writableEnded) return;
  if (end.receipt) client.write(receiptEvent(end.receipt.receipt));
  client.end(DONE);
}
