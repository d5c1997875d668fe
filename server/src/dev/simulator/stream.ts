/**
 * Server-sent events writer shared by chat and text completions. vLLM streams
 * `data: <json>\n\n` events and ends with `data: [DONE]\n\n`
 * (https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html).
 *
 * Without latency, events are batched into ~16 KiB writes (the same bytes, fewer
 * syscalls); with latency, each event is written when it is "generated". Writes honour
 * backpressure (`write()` false → wait for 'drain') and stop as soon as the client leaves.
 */
import type { ServerResponse } from 'node:http';
import { sleep, waitForDrain, writeFlushed } from './http-io.js';

/** One SSE event and how long generation "takes" before it. */
export interface TimedEvent {
  /** The complete event text, `data: ...\n\n`. */
  data: string;
  /** Delay before the event, in milliseconds (0 = immediately). */
  delayMs: number;
}

/** What a stream needs from its request. */
export interface StreamTarget {
  res: ServerResponse;
  /** Aborted when the client goes away. */
  signal: AbortSignal;
  /** Injected fault: drop the connection after this many events (none when undefined). */
  disconnectAfter: number | undefined;
  /** Called each time a write has to wait for 'drain'. */
  onBackpressure: () => void;
  /** Called when the injected disconnect fires. */
  onInjectedDisconnect: () => void;
}

const SSE_HEADERS = { 'content-type': 'text/event-stream; charset=utf-8' } as const;
/** Batch size of unthrottled streams: Node's default writable highWaterMark. */
const FLUSH_AT = 16 * 1024;

/** Formats one SSE data event. */
export function sseData(json: string): string {
  return `data: ${json}\n\n`;
}

/** The terminating event of an OpenAI stream. */
export const SSE_DONE = 'data: [DONE]\n\n';

async function write(target: StreamTarget, data: string): Promise<boolean> {
  if (target.res.write(data)) return true;
  target.onBackpressure();
  return waitForDrain(target.res);
}

/** Streams `events` as a 200 `text/event-stream` response. */
export async function streamEvents(target: StreamTarget, events: Iterable<TimedEvent>): Promise<void> {
  const { res, signal, disconnectAfter } = target;
  if (disconnectAfter === 0) {
    target.onInjectedDisconnect();
    res.destroy();
    return;
  }
  res.writeHead(200, SSE_HEADERS);
  let pending = '';
  let sent = 0;
  for (const event of events) {
    if (signal.aborted) return;
    if (disconnectAfter !== undefined && sent >= disconnectAfter) {
      // Deliver what was "generated" so far, then cut the connection without the
      // terminating chunk: the client sees a truncated stream, as when a replica dies.
      await writeFlushed(res, pending);
      target.onInjectedDisconnect();
      res.destroy();
      return;
    }
    if (event.delayMs > 0) {
      if (pending.length > 0) {
        if (!(await write(target, pending))) return;
        pending = '';
      } else if (!res.headersSent) {
        // Like Starlette's StreamingResponse, headers leave before the first token.
        res.flushHeaders();
      }
      if (!(await sleep(event.delayMs, signal))) return;
    }
    pending += event.data;
    sent += 1;
    if (pending.length >= FLUSH_AT) {
      if (!(await write(target, pending))) return;
      pending = '';
    }
  }
  if (!signal.aborted) res.end(pending);
}
