/**
 * A small closed-loop HTTP load generator, run as its own process so it does not share an event loop
 * with the server under test: `node --import tsx server/bench/load.ts <json options>`.
 * Prints one JSON line: `{ requests, errors, seconds, rps, p50Ms, p99Ms }`.
 */
import { Agent, request } from 'node:http';

export interface LoadOptions {
  url: string;
  method?: string;
  body?: string;
  headers?: Record<string, string>;
  concurrency: number;
  durationMs: number;
  /** Requests per second across all connections; unset: as fast as possible. */
  rate?: number;
}

export interface LoadResult {
  requests: number;
  errors: number;
  seconds: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
}

const percentile = (sorted: Float64Array, p: number) =>
  sorted.length === 0 ? 0 : (sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0);

async function run(options: LoadOptions): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: options.concurrency });
  const target = new URL(options.url);
  const latencies: number[] = [];
  let errors = 0;
  const started = performance.now();
  const deadline = started + options.durationMs;
  const interval = options.rate ? (1000 * options.concurrency) / options.rate : 0;

  const once = () =>
    new Promise<void>((resolve) => {
      const t0 = performance.now();
      const req = request(
        target,
        { method: options.method ?? 'GET', agent, headers: options.headers ?? {} },
        (res) => {
          res.on('data', () => {});
          res.on('end', () => {
            if ((res.statusCode ?? 0) >= 400) errors++;
            else latencies.push(performance.now() - t0);
            resolve();
          });
        },
      );
      req.on('error', () => {
        errors++;
        resolve();
      });
      req.end(options.body);
    });

  const worker = async (i: number) => {
    let next = started + (interval * i) / options.concurrency;
    while (performance.now() < deadline) {
      if (interval > 0) {
        const wait = next - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        next += interval;
      }
      await once();
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, (_, i) => worker(i)));
  agent.destroy();
  const seconds = (performance.now() - started) / 1000;
  const sorted = Float64Array.from(latencies).sort();
  return {
    requests: latencies.length,
    errors,
    seconds: Math.round(seconds * 100) / 100,
    rps: Math.round(latencies.length / seconds),
    p50Ms: Math.round(percentile(sorted, 0.5) * 1000) / 1000,
    p99Ms: Math.round(percentile(sorted, 0.99) * 1000) / 1000,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const options = JSON.parse(process.argv[2] ?? '{}') as LoadOptions;
  process.stdout.write(`${JSON.stringify(await run(options))}\n`);
}
