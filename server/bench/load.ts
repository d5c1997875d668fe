/**
 * The benchmarks' HTTP/1.1 load generator, run as its own process so it never shares an event loop
 * with the server under test: `node --import tsx server/bench/load.ts [<json options>]`. It speaks
 * HTTP/1.1 over keep-alive sockets directly (pre-built request bytes, a minimal response parser for
 * `content-length` and `chunked` bodies), so one process can drive tens of thousands of requests per
 * second or hold thousands of open streams, far beyond what it measures.
 *
 * Modes: closed loop (`concurrency` connections, each sends its next request when the previous
 * answer ended); open loop (`rate` requests per second on a fixed schedule, latency counted from the
 * time a request was due, or the tick that sent it, so a stalled server cannot hide its queue); streams are the closed loop with slow
 * SSE answers, measuring time to the first body byte. Options come as JSON in the first argument or
 * on stdin; prints one JSON line ({@link LoadResult}).
 */
import { connect, type Socket } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { clientRequest, ResponseParser } from './http-parser.js';

export interface LoadOptions {
  url: string;
  method?: string;
  body?: string;
  headers?: Record<string, string>;
  /** Connections (closed loop), or the most the open loop may open. */
  concurrency: number;
  durationMs: number;
  /** Open loop: requests per second on a fixed schedule. Unset: closed loop. */
  rate?: number;
  /** A response counts as an error unless its body contains this text (e.g. `data: [DONE]`). */
  expect?: string;
  /** Closed loop: connections start evenly spread over this many milliseconds (default 0). */
  rampMs?: number;
  /** Paths (with query) requested in turn instead of the URL's own, e.g. random proof indices. */
  paths?: string[];
}

export interface LoadResult {
  requests: number;
  errors: number;
  /** The first few distinct error descriptions. */
  errorSamples: string[];
  seconds: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  /** Time to the first byte of the response body (every response whose first byte came in the run). */
  ttfbP50Ms: number;
  ttfbP99Ms: number;
  /** Fewest and most responses in progress at once, sampled every 10 ms after the ramp. */
  minOpen: number;
  maxOpen: number;
  /** The generator's own health: event-loop delay p99 and CPU used (share of one core). */
  loopDelayP99Ms: number;
  cpu: number;
}

const percentile = (sorted: Float64Array, p: number) =>
  sorted.length === 0 ? 0 : (sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0);
const round = (n: number) => Math.round(n * 1000) / 1000;

/** One keep-alive connection that carries one request at a time. */
class Connection {
  private socket: Socket | undefined;
  private readonly parser = new ResponseParser();
  private onDone: ((error: string | undefined, ttfb: number) => void) | undefined;
  private onFirstByte: ((ttfb: number) => void) | undefined;
  private sentAt = 0;
  private firstByte = 0;

  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly expect: Buffer | undefined,
  ) {}

  get busy(): boolean {
    return this.onDone !== undefined;
  }

  private open(): Socket {
    const socket = connect({ host: this.host, port: this.port, noDelay: true });
    socket.on('data', (chunk: Buffer) => this.data(chunk));
    socket.on('error', () => {});
    socket.on('close', () => {
      if (this.socket === socket) this.socket = undefined;
      this.finish('connection closed');
    });
    this.socket = socket;
    return socket;
  }

  /** Sends `bytes`; `done` gets an error description (or undefined) and the time to first body byte. */
  send(
    bytes: Buffer,
    done: (error: string | undefined, ttfb: number) => void,
    firstByte?: (ttfb: number) => void,
  ): void {
    this.onDone = done;
    this.onFirstByte = firstByte;
    this.parser.reset(this.expect !== undefined);
    this.sentAt = performance.now();
    this.firstByte = 0;
    (this.socket ?? this.open()).write(bytes);
  }

  private data(chunk: Buffer): void {
    if (!this.onDone) return;
    const state = this.parser.push(chunk);
    if (this.firstByte === 0 && this.parser.bodyStarted) {
      this.firstByte = performance.now();
      this.onFirstByte?.(this.firstByte - this.sentAt);
    }
    if (state === 'more') return;
    if (state !== 'done') {
      this.socket?.destroy();
      this.finish(state);
      return;
    }
    const status = this.parser.status;
    let error: string | undefined;
    if (status >= 400) error = `HTTP ${status}`;
    else if (this.expect && !this.parser.body().includes(this.expect))
      error = `body without ${this.expect.toString()}`;
    if (this.parser.closeAfter) this.socket?.destroy();
    this.finish(error);
  }

  private finish(error: string | undefined): void {
    const done = this.onDone;
    if (!done) return;
    this.onDone = undefined;
    done(error, (this.firstByte || performance.now()) - this.sentAt);
  }

  close(): void {
    this.socket?.destroy();
  }
}

export async function run(options: LoadOptions): Promise<LoadResult> {
  const target = new URL(options.url);
  const requests = (options.paths ?? [`${target.pathname}${target.search}`]).map((path) =>
    clientRequest(new URL(path, target), options.method ?? 'GET', options.headers ?? {}, options.body),
  );
  let turn = 0;
  const nextRequest = () => requests[turn++ % requests.length] as Buffer;
  const expect = options.expect === undefined ? undefined : Buffer.from(options.expect);
  const connections: Connection[] = [];
  const connection = () => {
    const c = new Connection(target.hostname, Number(target.port || 80), expect);
    connections.push(c);
    return c;
  };
  const latencies: number[] = [];
  const ttfbs: number[] = [];
  const errorSamples = new Set<string>();
  let errors = 0;
  let open = 0;
  let minOpen = Number.POSITIVE_INFINITY;
  let maxOpen = 0;
  const loop = monitorEventLoopDelay({ resolution: 5 });
  const started = performance.now();
  const rampMs = options.rate ? 0 : (options.rampMs ?? 0);
  const measureFrom = started + rampMs;
  const deadline = measureFrom + options.durationMs;
  const cpuStart = process.cpuUsage();
  let measuring = false;
  const sampler = setInterval(() => {
    const now = performance.now();
    if (now < measureFrom || now > deadline) return;
    if (!measuring) {
      measuring = true;
      loop.enable();
    }
    minOpen = Math.min(minOpen, open);
    maxOpen = Math.max(maxOpen, open);
  }, 10);

  /** One request on `c`; latency counted from `from` (the schedule in the open loop). */
  const once = (c: Connection, from: number) =>
    new Promise<void>((resolve) => {
      open++;
      c.send(
        nextRequest(),
        (error) => {
          open--;
          const now = performance.now();
          if (from >= measureFrom && now <= deadline + 1000) {
            if (error !== undefined) {
              errors++;
              if (errorSamples.size < 5) errorSamples.add(error);
            } else latencies.push(now - from);
          }
          resolve();
        },
        // Counted when it arrives: a stream's first byte matters even if the stream outlasts the run.
        (ttfb) => {
          if (from >= measureFrom && performance.now() <= deadline) ttfbs.push(ttfb);
        },
      );
    });

  if (options.rate) {
    const interval = 1000 / options.rate;
    const idle: Connection[] = [];
    const inFlight: Array<Promise<void>> = [];
    let next = started;
    // When every connection is busy the schedule slips: the wait counts from when it began.
    let blockedSince: number | undefined;
    await new Promise<void>((resolve) => {
      const tick = () => {
        // The generator's own timer lateness is not the server's: latency starts at this tick.
        const now = performance.now();
        while (next <= now && next < deadline) {
          const c = idle.pop() ?? (connections.length < options.concurrency ? connection() : undefined);
          if (!c) {
            blockedSince ??= now;
            break;
          }
          const from = blockedSince === undefined ? now : Math.max(next, blockedSince);
          next += interval;
          if (next > now) blockedSince = undefined;
          inFlight.push(once(c, from).then(() => void idle.push(c)));
        }
        if (next >= deadline) resolve();
        else setTimeout(tick, Math.max(0, next - performance.now() - 0.5));
      };
      tick();
    });
    await Promise.all(inFlight);
  } else {
    await Promise.all(
      Array.from({ length: options.concurrency }, async (_, i) => {
        if (rampMs > 0) await new Promise((r) => setTimeout(r, (rampMs * i) / options.concurrency));
        const c = connection();
        while (performance.now() < deadline) await once(c, performance.now());
      }),
    );
  }
  clearInterval(sampler);
  loop.disable();
  const cpu = process.cpuUsage(cpuStart);
  for (const c of connections) c.close();
  const seconds = (Math.min(performance.now(), deadline) - measureFrom) / 1000;
  const sorted = Float64Array.from(latencies).sort();
  const ttfbSorted = Float64Array.from(ttfbs).sort();
  return {
    requests: latencies.length,
    errors,
    errorSamples: [...errorSamples],
    seconds: Math.round(seconds * 100) / 100,
    rps: Math.round(latencies.length / seconds),
    p50Ms: round(percentile(sorted, 0.5)),
    p99Ms: round(percentile(sorted, 0.99)),
    ttfbP50Ms: round(percentile(ttfbSorted, 0.5)),
    ttfbP99Ms: round(percentile(ttfbSorted, 0.99)),
    minOpen: Number.isFinite(minOpen) ? minOpen : 0,
    maxOpen,
    loopDelayP99Ms: round(loop.percentile(99) / 1e6),
    cpu: round((cpu.user + cpu.system) / 1000 / (performance.now() - started)),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  let input = process.argv[2] ?? '';
  if (input === '') for await (const chunk of process.stdin) input += String(chunk);
  const options = JSON.parse(input) as LoadOptions;
  process.stdout.write(`${JSON.stringify(await run(options))}\n`);
  process.exit(0);
}
