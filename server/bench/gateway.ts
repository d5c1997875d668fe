/**
 * Gateway benchmark (`npm run bench:gateway`): the same load, in one run on loopback, against
 *   (a) the vLLM simulator directly,
 *   (b) the Portkey AI gateway (`@portkey-ai/gateway`, pinned, installed on first use into the
 *       git-ignored `.bench/peers`, never a project dependency) in front of it,
 *   (c) the appliance (`startAppliance`, its own process) with a real API key, finite quotas for
 *       the user and the key, usage recording and a receipt committed to PostgreSQL per call.
 * Scenarios: closed-loop throughput (non-streaming and streaming); a fixed 500 requests/s (open
 * loop) for added latency; 1,000 concurrent slow streams for time-to-first-byte overhead. Every
 * process (simulators, targets, the load generator bench/load.ts) is its own; on two cores they share
 * the CPU, so compare ratios within one run. Ends with a table of the targets, MET or MISSED.
 *
 * Options: --duration <s> (8) --warmup <s> (2) --connections <n> (32) --max-tokens <n> (32)
 * --rate <n> (500) --streams <n> (1000) --stream-tokens <n> (40) --inter-token-ms <n> (100)
 * --only <text> runs the scenarios whose name contains it; --targets <letters> (abc) picks targets.
 * BENCH_PROFILE=1 writes a CPU profile of the appliance into .bench/profiles (see bench/profile.ts).
 */
import { mkdirSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { LoadOptions, LoadResult } from './load.js';
import { type Child, installPortkey, PORTKEY, spawnTs, startPortkey } from './processes.js';
import { runLoad } from './run-load.js';

const MODEL = 'ai-la/sim-coder-7b';
const PACED_MODEL = 'ai-la/sim-coder-7b-paced';
const HERE = import.meta.dirname;
const out = (line = '') => process.stdout.write(`${line}\n`);

const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: '8' },
    warmup: { type: 'string', default: '2' },
    connections: { type: 'string', default: '32' },
    'max-tokens': { type: 'string', default: '32' },
    rate: { type: 'string', default: '500' },
    streams: { type: 'string', default: '1000' },
    'stream-tokens': { type: 'string', default: '40' },
    'inter-token-ms': { type: 'string', default: '100' },
    only: { type: 'string', default: '' },
    targets: { type: 'string', default: 'abc' },
  },
});
const S = {
  durationMs: Number(args.duration) * 1000,
  warmupMs: Number(args.warmup) * 1000,
  connections: Number(args.connections),
  maxTokens: Number(args['max-tokens']),
  rate: Number(args.rate),
  streams: Number(args.streams),
  streamTokens: Number(args['stream-tokens']),
  interTokenMs: Number(args['inter-token-ms']),
};

/** A running target: where chat completions go, and the headers every request carries. */
interface Endpoint {
  name: string;
  url: (simulator: string) => string;
  headers: (simulator: string) => Record<string, string>;
  /** What a good answer contains (receipts for the appliance). */
  expect: { json: string; stream: string };
}

interface Scenario {
  name: string;
  stream: boolean;
  paced?: boolean;
  load: Omit<LoadOptions, 'url'>;
}

const body = (model: string, stream: boolean, maxTokens: number) =>
  JSON.stringify({
    model,
    messages: [{ role: 'user', content: 'Write a TypeScript function that parses an ISO 8601 date' }],
    max_tokens: maxTokens,
    stream,
  });

const SCENARIOS: Scenario[] = [
  { name: 'throughput, non-streaming', stream: false, load: { concurrency: S.connections, durationMs: 0 } },
  { name: 'throughput, streaming', stream: true, load: { concurrency: S.connections, durationMs: 0 } },
  {
    name: `${S.rate}/s, non-streaming`,
    stream: false,
    load: { concurrency: 256, rate: S.rate, durationMs: 0 },
  },
  { name: `${S.rate}/s, streaming`, stream: true, load: { concurrency: 256, rate: S.rate, durationMs: 0 } },
  {
    name: `${S.streams} streams held`,
    stream: true,
    paced: true,
    load: { concurrency: S.streams, durationMs: 0, rampMs: 2 * S.streams },
  },
];

const selected = SCENARIOS.filter((s) => s.name.includes(args.only ?? ''));

async function measure(endpoint: Endpoint, scenario: Scenario, sims: Sims): Promise<LoadResult> {
  const sim = scenario.paced ? sims.paced : sims.fast;
  const model = scenario.paced ? PACED_MODEL : MODEL;
  const tokens = scenario.paced ? S.streamTokens : S.maxTokens;
  const options: LoadOptions = {
    ...scenario.load,
    url: endpoint.url(sim),
    method: 'POST',
    headers: { 'content-type': 'application/json', ...endpoint.headers(sim) },
    body: body(model, scenario.stream, tokens),
    // Held streams: long enough for streams that start after the ramp to be measured (3 generations).
    durationMs: scenario.paced ? Math.max(S.durationMs, 3 * S.streamTokens * S.interTokenMs) : S.durationMs,
    expect: scenario.stream ? endpoint.expect.stream : endpoint.expect.json,
  };
  // Warm-up: JIT, connection pools, quota leases; the paced scenario's ramp is its own warm-up.
  if (S.warmupMs > 0 && !scenario.paced) await runLoad({ ...options, durationMs: S.warmupMs });
  return runLoad(options);
}

interface Sims {
  fast: string;
  paced: string;
}

async function startSimulators(): Promise<{ sims: Sims; children: Child[] }> {
  const entry = resolve(HERE, '../src/dev/simulator/main.ts');
  const fast = await spawnTs(entry, ['--port', '0', '--models', MODEL], 'simulator');
  const paced = await spawnTs(
    entry,
    [
      '--port',
      '0',
      '--models',
      PACED_MODEL,
      '--first-token-ms',
      '20',
      '--inter-token-ms',
      String(S.interTokenMs),
    ],
    'paced simulator',
  );
  return { sims: { fast: fast.line, paced: paced.line }, children: [fast, paced] };
}

async function startAppliance(sims: Sims): Promise<{ endpoint: Endpoint; child: Child }> {
  const profile = process.env.BENCH_PROFILE === '1';
  const dir = resolve(HERE, '../../.bench/profiles');
  if (profile) mkdirSync(dir, { recursive: true });
  const backends = [
    { name: 'sim', url: sims.fast, models: [MODEL] },
    { name: 'sim-paced', url: sims.paced, models: [PACED_MODEL] },
  ];
  const child = await spawnTs(
    join(HERE, 'gateway-target.ts'),
    [JSON.stringify({ backends })],
    'appliance',
    profile ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : [],
  );
  const { url, apiKey } = JSON.parse(child.line) as { url: string; apiKey: string };
  return {
    child,
    endpoint: {
      name: '(c) ai-la appliance',
      url: () => `${url}/v1/chat/completions`,
      headers: () => ({ authorization: `Bearer ${apiKey}` }),
      expect: { json: '"tecp_receipt":{', stream: '"object":"tecp.receipt"' },
    },
  };
}

const DIRECT: Endpoint = {
  name: '(a) simulator direct',
  url: (sim) => `${sim}/v1/chat/completions`,
  headers: () => ({}),
  expect: { json: '"choices":[', stream: 'data: [DONE]' },
};

const portkey = (url: string): Endpoint => ({
  name: `(b) portkey ${PORTKEY.version}`,
  url: () => `${url}/v1/chat/completions`,
  headers: (sim) => ({
    'x-portkey-provider': 'openai',
    'x-portkey-custom-host': `${sim}/v1`,
    authorization: 'Bearer sk-benchmark',
  }),
  expect: { json: '"choices":[', stream: 'data: [DONE]' },
});

const f = (n: number, digits = 2) => n.toFixed(digits);
const pad = (text: string | number, width: number) => String(text).padStart(width);

function printRow(scenario: string, target: string, r: LoadResult, direct: LoadResult | undefined): void {
  const plus = (n: number, base: number | undefined) =>
    direct === undefined || base === undefined ? '' : `+${f(n - base)}`;
  out(
    `${scenario.padEnd(26)}${target.padEnd(24)}${pad(r.rps, 8)}${pad(f(r.p50Ms), 9)}${pad(f(r.p99Ms), 9)}` +
      `${pad(f(r.ttfbP50Ms), 9)}${pad(plus(r.p50Ms, direct?.p50Ms), 9)}${pad(plus(r.p99Ms, direct?.p99Ms), 9)}` +
      `${pad(plus(r.ttfbP50Ms, direct?.ttfbP50Ms), 9)}${pad(`${r.minOpen}-${r.maxOpen}`, 11)}${pad(r.errors, 7)}` +
      `${pad(f(r.loopDelayP99Ms, 1), 7)}${pad(f(r.cpu), 6)}`,
  );
  if (r.errorSamples.length > 0) out(`${''.padEnd(26)}errors: ${r.errorSamples.join('; ')}`);
}

async function main(): Promise<void> {
  const [l1, l5] = loadavg();
  out(
    `gateway benchmark, ${new Date().toISOString()}, load average ${f(l1 ?? 0)} / ${f(l5 ?? 0)}, ${availableParallelism()} CPUs shared by every process`,
  );
  out(
    `${S.durationMs / 1000}s per run after ${S.warmupMs / 1000}s warm-up; throughput: ${S.connections} connections, max_tokens ${S.maxTokens}; ` +
      `open loop ${S.rate}/s; ${S.streams} streams of ${S.streamTokens} tokens, ${S.interTokenMs} ms apart\n`,
  );
  const withPortkey = (args.targets ?? 'abc').includes('b') && (await installPortkey(out));
  if (!withPortkey) out(`(b) skipped: ${PORTKEY.name}@${PORTKEY.version} could not be installed`);
  const { sims, children } = await startSimulators();
  const results = new Map<string, LoadResult>();
  out(
    `${'scenario'.padEnd(26)}${'target'.padEnd(24)}${pad('req/s', 8)}${pad('p50 ms', 9)}${pad('p99 ms', 9)}` +
      `${pad('ttfb50', 9)}${pad('+p50', 9)}${pad('+p99', 9)}${pad('+ttfb50', 9)}${pad('open', 11)}${pad('errors', 7)}` +
      `${pad('lag99', 7)}${pad('cpu', 6)}`,
  );
  const run = async (endpoint: Endpoint) => {
    let streamsFail = false;
    for (const scenario of selected) {
      if (scenario.stream && streamsFail) {
        out(`${scenario.name.padEnd(26)}${endpoint.name.padEnd(24)}skipped: every streaming request failed`);
        continue;
      }
      const result = await measure(endpoint, scenario, sims);
      if (scenario.stream && result.requests === 0) streamsFail = true;
      results.set(`${endpoint.name}|${scenario.name}`, result);
      const direct = endpoint === DIRECT ? undefined : results.get(`${DIRECT.name}|${scenario.name}`);
      printRow(scenario.name, endpoint.name, result, direct);
    }
  };
  try {
    // Target after target, each scenario in the same order, so the three see the same machine.
    const targets = args.targets ?? 'abc';
    if (targets.includes('a')) await run(DIRECT);
    let peer: Endpoint | undefined;
    if (withPortkey && targets.includes('b')) {
      const server = await startPortkey();
      peer = portkey(server.url);
      try {
        await run(peer);
      } finally {
        await server.stop();
      }
    }
    if (!targets.includes('c')) return;
    const appliance = await startAppliance(sims);
    try {
      await run(appliance.endpoint);
    } finally {
      await appliance.child.stop();
    }
    summary(results, peer?.name, appliance.endpoint.name);
  } finally {
    for (const child of children) await child.stop();
  }
}

function summary(results: Map<string, LoadResult>, peer: string | undefined, ours: string): void {
  const get = (target: string | undefined, scenario: Scenario) =>
    target === undefined ? undefined : results.get(`${target}|${scenario.name}`);
  const [tput, tputStream, rate, rateStream, held] = SCENARIOS as [
    Scenario,
    Scenario,
    Scenario,
    Scenario,
    Scenario,
  ];
  const rows: Array<[string, string, boolean | undefined]> = [];
  for (const s of [tput, tputStream]) {
    const a = get(ours, s);
    const b = get(peer, s);
    const d = get(DIRECT.name, s);
    rows.push([
      `${s.name}: >= 3x Portkey`,
      b?.requests && a
        ? `${f(a.rps / b.rps)}x (${a.rps} vs ${b.rps} req/s; direct ${d?.rps})`
        : b
          ? `Portkey failed every request (${b.errorSamples.join('; ')}); ours ${a?.rps} req/s`
          : 'not measured',
      b?.requests && a ? a.rps >= 3 * b.rps && a.errors === 0 : undefined,
    ]);
  }
  for (const s of [rate, rateStream]) {
    const a = get(ours, s);
    const d = get(DIRECT.name, s);
    if (!a || !d) continue;
    const p50 = a.p50Ms - d.p50Ms;
    const p99 = a.p99Ms - d.p99Ms;
    rows.push([`${s.name}: added p50 <= 1 ms`, `+${f(p50)} ms`, p50 <= 1 && a.errors === 0]);
    rows.push([`${s.name}: added p99 <= 5 ms`, `+${f(p99)} ms`, p99 <= 5 && a.errors === 0]);
  }
  const a = get(ours, held);
  const d = get(DIRECT.name, held);
  if (a && d) {
    rows.push([
      `${held.name}: all open at once`,
      `${a.minOpen}-${a.maxOpen} open (direct ${d.minOpen}-${d.maxOpen}), ${a.errors} errors`,
      a.minOpen >= S.streams && a.errors === 0,
    ]);
    const ttfb = a.ttfbP50Ms - d.ttfbP50Ms;
    rows.push([
      `${held.name}: TTFB overhead p50 <= 2 ms`,
      `+${f(ttfb)} ms (${f(a.ttfbP50Ms)} vs ${f(d.ttfbP50Ms)}; generator lag p99 ${f(d.loopDelayP99Ms, 1)} ms direct)`,
      a.ttfbP50Ms > 0 && ttfb <= 2,
    ]);
  }
  out('\ntargets');
  for (const [name, value, met] of rows)
    out(
      `  ${name.padEnd(46)}${value.padEnd(70)} ${met === undefined ? 'NOT MEASURED' : met ? 'MET' : 'MISSED'}`,
    );
}

await main();
process.exit(0);
