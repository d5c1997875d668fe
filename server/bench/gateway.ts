/**
 * Gateway benchmark (`npm run bench:gateway`): the same closed-loop load, non-streaming and streaming
 * chat completions, on loopback against each target in front of one vLLM simulator (its own process,
 * zero generation latency, so only the proxies' overhead is measured):
 *   (a) the simulator directly;
 *   (c) the AI-LA gateway with limits (requests, tokens per minute/day/month) and usage recording on.
 * A peer gateway is one more entry in TARGETS. Prints requests/s, p50/p99 latency and the latency the
 * gateway adds compared with the direct run. The load generator (bench/load.ts) runs in a child process.
 *
 * Options: --duration <s> (8) --warmup <s> (2) --connections <n> (32) --max-tokens <n> (32)
 * Without DATABASE_URL an embedded PostgreSQL is started for the gateway.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Knex } from 'knex';
import { newCaller, startGateway, tokenFor } from '../src/gateway/testing/harness.js';
import { createDb } from '../src/platform/db/knex.js';
import { migrateUp } from '../src/platform/db/migrations.js';
import { createTestDatabase } from '../test/support/database.js';
import type { LoadOptions, LoadResult } from './load.js';
import { runLoad } from './run-load.js';

const MODEL = 'ai-la/sim-coder-7b';
const HERE = import.meta.dirname;

/** A running target: its base URL (the API is under /v1) and headers every request carries. */
interface Endpoint {
  url: string;
  headers: Record<string, string>;
  close(): Promise<void>;
}

/** Something to benchmark, started in front of the simulator at `simulatorUrl`. */
interface Target {
  name: string;
  start(simulatorUrl: string): Promise<Endpoint>;
}

const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: '8' },
    warmup: { type: 'string', default: '2' },
    connections: { type: 'string', default: '32' },
    'max-tokens': { type: 'string', default: '32' },
  },
});
const durationMs = Number(args.duration) * 1000;
const warmupMs = Number(args.warmup) * 1000;
const connections = Number(args.connections);
const maxTokens = Number(args['max-tokens']);

/** Spawns a TypeScript entry point; resolves with the process and its first stdout line. */
function spawnTs(
  entry: string,
  argv: string[],
): Promise<{ child: ChildProcess; line: string; done: Promise<string> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', entry, ...argv], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  const done = new Promise<string>((ok, ko) => {
    child.once('exit', (code) =>
      code === 0 || code === null ? ok(out) : ko(new Error(`${entry} exited ${code}`)),
    );
  });
  return new Promise((ok, ko) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const newline = out.indexOf('\n');
      if (newline >= 0) ok({ child, line: out.slice(0, newline).trim(), done });
    });
    child.once('error', ko);
    done.catch(ko);
  });
}

async function startAilaGateway(simulatorUrl: string): Promise<Endpoint> {
  const database = await createTestDatabase();
  const db: Knex = createDb(
    {
      pool: { min: 0, max: 10 },
      ssl: { enabled: false, rejectUnauthorized: true },
      statementTimeoutMs: 0,
      migrateOnStart: false,
      embedded: { dataDir: '', port: 0 },
    },
    database.url,
  );
  await migrateUp(db);
  const limits = {
    requestsPerMinute: 1_000_000_000,
    tokensPerMinute: 1_000_000_000_000,
    tokensPerDay: 1_000_000_000_000,
    tokensPerMonth: 1_000_000_000_000,
  };
  const gateway = await startGateway({
    db,
    config: {
      backends: [{ name: 'sim', url: simulatorUrl, models: [MODEL] }],
      limits: { defaults: { user: limits, team: limits, apiKey: limits } },
    },
  });
  return {
    url: gateway.url,
    headers: { authorization: `Bearer ${tokenFor(newCaller())}` },
    close: async () => {
      await gateway.close();
      await db.destroy();
      await database.drop();
    },
  };
}

const TARGETS: Target[] = [
  { name: '(a) simulator direct', start: async (url) => ({ url, headers: {}, close: async () => {} }) },
  // (b) a peer AI gateway goes here: start it in front of `url` and return its base URL and headers.
  { name: '(c) ai-la gateway', start: startAilaGateway },
];

const SCENARIOS = [
  { name: 'chat, non-streaming', stream: false },
  { name: 'chat, streaming', stream: true },
];

async function measure(endpoint: Endpoint, stream: boolean): Promise<LoadResult> {
  const options: LoadOptions = {
    url: `${endpoint.url}/v1/chat/completions`,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...endpoint.headers },
    body: JSON.stringify({
      model: MODEL,
      messages: [{ role: 'user', content: 'Write a TypeScript function that parses a date' }],
      max_tokens: maxTokens,
      stream,
    }),
    concurrency: connections,
    durationMs,
  };
  if (warmupMs > 0) await runLoad({ ...options, durationMs: warmupMs }); // JIT, pools, leases
  return runLoad(options);
}

const pad = (text: string | number, width: number) => String(text).padStart(width);

async function main(): Promise<void> {
  const simulator = await spawnTs(resolve(HERE, '../src/dev/simulator/main.ts'), [
    '--port',
    '0',
    '--models',
    MODEL,
  ]);
  process.stdout.write(
    `gateway benchmark: ${connections} connections, ${durationMs / 1000}s per run after ${warmupMs / 1000}s warm-up, ` +
      `max_tokens ${maxTokens}, ${availableParallelism()} CPUs (load generator, simulator and target share them)\n\n`,
  );
  process.stdout.write(
    `${'scenario'.padEnd(22)}${'target'.padEnd(24)}${pad('req/s', 9)}${pad('p50 ms', 9)}${pad('p99 ms', 9)}` +
      `${pad('errors', 8)}${pad('+p50 ms', 9)}${pad('+p99 ms', 9)}${pad('rps ratio', 11)}\n`,
  );
  try {
    const results = new Map<string, LoadResult>();
    for (const target of TARGETS) {
      const endpoint = await target.start(simulator.line);
      try {
        for (const scenario of SCENARIOS) {
          const result = await measure(endpoint, scenario.stream);
          results.set(`${target.name}|${scenario.name}`, result);
          const direct = results.get(`${TARGETS[0]?.name}|${scenario.name}`);
          const added = (n: number, base: number | undefined) =>
            base === undefined || target === TARGETS[0] ? '' : (n - base).toFixed(2);
          const ratio = direct && target !== TARGETS[0] ? (result.rps / direct.rps).toFixed(3) : '';
          process.stdout.write(
            `${scenario.name.padEnd(22)}${target.name.padEnd(24)}${pad(result.rps.toFixed(0), 9)}` +
              `${pad(result.p50Ms.toFixed(2), 9)}${pad(result.p99Ms.toFixed(2), 9)}${pad(result.errors, 8)}` +
              `${pad(added(result.p50Ms, direct?.p50Ms), 9)}${pad(added(result.p99Ms, direct?.p99Ms), 9)}${pad(ratio, 11)}\n`,
          );
        }
      } finally {
        await endpoint.close();
      }
    }
  } finally {
    simulator.child.kill('SIGTERM');
    await simulator.done.catch(() => {});
  }
}

await main();
