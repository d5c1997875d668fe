/**
 * `npm run bench:evidence`: the evidence pipeline on this machine, in one run.
 * 1. Receipts appended (group commit, durable) and integrated (sequencer, signed checkpoints) per
 *    second, from pre-signed receipts; the same receipts written as plain rows as the floor.
 * 2. Checkpoint latency (append to the commit of the first checkpoint containing the leaf), at full
 *    speed and at a steady BENCH_STEADY_RATE.
 * 3. Bytes stored per entry, and per plain row.
 * 4. End-to-end `record()` (build, Ed25519 sign, append) per second.
 * 5. Inclusion proofs served per second at 1,000,000 entries (bulk-loaded), in process and over HTTP.
 * Sizes: BENCH_RECEIPTS (200000), BENCH_PROOF_ENTRIES (1000000), BENCH_DURATION_MS (5000),
 * BENCH_STEADY_RATE (5000 receipts/s).
 */
import { loadavg } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import { ReceiptAppender, type ReceiptLeaf } from '../src/evidence/store/receipt-appender.js';
import { withConnection } from '../src/evidence/store/sql.js';
import { bulkLoadReceipts } from './evidence-bulk.js';
import { bareServer, publicServer } from './evidence-http.js';
import {
  type BenchEnv,
  buildOperation,
  closeEnv,
  GroupWriter,
  openEnv,
  percentile,
  pool,
  presigned,
  storedBytes,
  waitForSize,
} from './evidence-support.js';
import { runLoad } from './run-load.js';

const RECEIPTS = Number(process.env.BENCH_RECEIPTS ?? 200_000);
const PROOF_ENTRIES = Number(process.env.BENCH_PROOF_ENTRIES ?? 1_000_000);
const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 5000);
const STEADY_RATE = Number(process.env.BENCH_STEADY_RATE ?? 5000);
const CONCURRENCY = 512;
const GROUP = { batchSize: 1000, concurrency: 4, maxQueue: 10_000_000 };
const LOG_TABLES = ['log_leaves', 'log_entries', 'log_tiles', 'receipts', 'checkpoints', 'log_queue'];
const log = pino({ level: 'warn' });
const out = (line: string) => process.stdout.write(`${line}\n`);
const rate = (n: number, s: number) => Math.round(n / s).toLocaleString('en-US');
/** Figures the summary compares with the targets. */
const results = {
  integrated: 0,
  plain: 0,
  checkpointP99: 0,
  bytesPerEntry: 0,
  proofsHttp: 0,
  proofsHttpErrors: 0,
  proofsFloor: 0,
};
const ms = (sorted: number[]) =>
  `p50 ${percentile(sorted, 0.5)} ms, p99 ${percentile(sorted, 0.99)} ms, max ${sorted.at(-1)} ms`;

/** Collects append-to-checkpoint latencies of every integrated leaf until `stop()`. */
function latencies(env: BenchEnv): { values: number[]; stop: () => void } {
  const values: number[] = [];
  const stop = env.evidence.onIntegrated((i) => {
    for (const at of i.appendedAt) values.push(i.committedAt - at);
  });
  return { values, stop };
}

/** 1-4: storage and end-to-end figures, on a fresh database. Returns the average leaf size. */
async function storagePhase(): Promise<number> {
  const env = await openEnv(log);
  const steadyCount = Math.floor((STEADY_RATE * DURATION_MS) / 1000);
  const leaves = await presigned(env.evidence, RECEIPTS + steadyCount);
  const avgBytes = Math.round(leaves.reduce((n, l) => n + l.data.length, 0) / leaves.length);
  const full = latencies(env);
  env.evidence.start();
  const appender = new ReceiptAppender(env.db, GROUP, log);
  const leaf = (i: number) => leaves[i] as ReceiptLeaf;
  const started = performance.now();
  const appendSeconds = await pool(RECEIPTS, CONCURRENCY, (i) => appender.append(leaf(i)));
  await waitForSize(env.evidence, RECEIPTS);
  const integrateSeconds = (performance.now() - started) / 1000;
  full.stop();
  full.values.sort((a, b) => a - b);
  // The drained queue's dead rows are reclaimed by (auto)vacuum: measure the steady state.
  await withConnection(env.db, (c) => c.query('vacuum log_queue'));
  const perTable = await Promise.all(
    LOG_TABLES.map(async (t) => [t, await storedBytes(env.db, [t])] as const),
  );
  const logBytes = perTable.reduce((n, [, b]) => n + b, 0);

  // Steady load below capacity: one receipt every 1/STEADY_RATE s for DURATION_MS.
  const steady = latencies(env);
  const steadyStart = performance.now();
  const pending: Array<Promise<number>> = [];
  for (let i = 0; i < steadyCount; i++) {
    const due = steadyStart + (i * 1000) / STEADY_RATE;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    pending.push(appender.append(leaf(RECEIPTS + i)));
  }
  await Promise.all(pending);
  await waitForSize(env.evidence, RECEIPTS + steadyCount);
  steady.stop();
  steady.values.sort((a, b) => a - b);

  await withConnection(env.db, (c) =>
    c.query('create table bench_plain_receipts (id bigserial primary key, data bytea not null)'),
  );
  await appender.close();
  const plain = new GroupWriter(env.db, GROUP);
  const plainSeconds = await pool(RECEIPTS, CONCURRENCY, (i) => plain.write(leaf(i).data));
  const plainBytes = await storedBytes(env.db, ['bench_plain_receipts']);
  results.integrated = RECEIPTS / integrateSeconds;
  results.plain = RECEIPTS / plainSeconds;
  results.checkpointP99 = percentile(full.values, 0.99);
  results.bytesPerEntry = Math.round(logBytes / RECEIPTS);

  out(`receipt leaf: ${avgBytes} bytes on average`);
  out(`appended (durable):           ${rate(RECEIPTS, appendSeconds)} receipts/s`);
  out(
    `appended and integrated:      ${rate(RECEIPTS, integrateSeconds)} receipts/s (all ${RECEIPTS} in signed checkpoints after ${integrateSeconds.toFixed(1)} s)`,
  );
  out(`plain rows (floor):           ${rate(RECEIPTS, plainSeconds)} rows/s, same group commit`);
  out(`checkpoint latency, full speed: ${ms(full.values)}`);
  out(`checkpoint latency at ${STEADY_RATE}/s: ${ms(steady.values)}`);
  out(
    `bytes stored per entry:       ${Math.round(logBytes / RECEIPTS)} (heap, TOAST, indexes); plain row ${Math.round(plainBytes / RECEIPTS)}`,
  );
  out(`  by table: ${perTable.map(([t, b]) => `${t} ${Math.round(b / RECEIPTS)}`).join(', ')}`);

  const records = Math.floor(RECEIPTS / 4);
  const recordSeconds = await pool(records, CONCURRENCY, () =>
    env.evidence.receipts.record(buildOperation()),
  );
  out(
    `record() end to end:          ${rate(records, recordSeconds)} receipts/s (build + Ed25519 sign + durable append)`,
  );
  await closeEnv(env);
  return avgBytes;
}

/** 5: proofs at PROOF_ENTRIES entries of `leafBytes` each. */
async function proofPhase(leafBytes: number): Promise<void> {
  const big = await openEnv(log);
  const loadStarted = performance.now();
  await bulkLoadReceipts(big.db, big.evidence, PROOF_ENTRIES, leafBytes);
  out(`bulk-loaded ${PROOF_ENTRIES} entries in ${((performance.now() - loadStarted) / 1000).toFixed(1)} s`);
  const receiptsLog = big.evidence.logs.receipts;
  const prove = async () =>
    big.evidence.proofs.inclusion(receiptsLog, Math.floor(Math.random() * PROOF_ENTRIES));
  const coldSeconds = await pool(20_000, 64, prove);
  out(`inclusion proofs, cold cache: ${rate(20_000, coldSeconds)} proofs/s (random index, 64 concurrent)`);
  let proofs = 0;
  const until = performance.now() + DURATION_MS;
  const warmStarted = performance.now();
  await Promise.all(
    Array.from({ length: 64 }, async () => {
      while (performance.now() < until) {
        await prove();
        proofs++;
      }
    }),
  );
  out(
    `inclusion proofs, warm:       ${rate(proofs, (performance.now() - warmStarted) / 1000)} proofs/s (random index, in process)`,
  );

  // Over HTTP, as the appliance serves it: the platform stack, with and without the lean path, and
  // a bare node:http answer as the floor of this machine and load generator. Random indices.
  const paths = Array.from(
    { length: 4096 },
    () => `/api/v1/tecp/proof?log=receipts&index=${Math.floor(Math.random() * PROOF_ENTRIES)}`,
  );
  const bare = await bareServer();
  const lean = await publicServer(big, true);
  const stack = await publicServer(big, false);
  // The servers run in this process and the load generator in its own: this process's CPU time per
  // request is the server's cost, much less sensitive to the machine's load than requests per second.
  const measure = async (base: string, withPaths: boolean) => {
    const cpu = process.cpuUsage();
    const result = await runLoad({
      url: `${base}/`,
      concurrency: 32,
      durationMs: DURATION_MS,
      ...(withPaths ? { paths, expect: 'c2sp.org/tlog-proof@v1' } : {}),
    });
    const used = process.cpuUsage(cpu);
    return { ...result, cpuUs: (used.user + used.system) / Math.max(1, result.requests) };
  };
  for (const base of [lean.url, stack.url])
    await runLoad({ url: `${base}/`, paths, concurrency: 32, durationMs: 1000 });
  const floor = await measure(bare.url, false);
  const viaLean = await measure(lean.url, true);
  const viaStack = await measure(stack.url, true);
  const line = (name: string, r: typeof floor) =>
    `  ${name.padEnd(34)}${rate(r.requests, r.seconds).padStart(8)} req/s, p50 ${r.p50Ms.toFixed(2)} ms, p99 ${r.p99Ms.toFixed(2)} ms, server CPU ${Math.round(r.cpuUs)} µs/request, errors ${r.errors}`;
  out('inclusion proofs over HTTP (32 connections, random index):');
  out(line('bare node:http JSON (floor)', floor));
  out(line('lean path (the appliance)', viaLean));
  out(line('through the Express stack', viaStack));
  results.proofsFloor = floor.rps;
  results.proofsHttp = viaLean.rps;
  results.proofsHttpErrors = viaLean.errors;
  for (const s of [bare, lean, stack]) await s.close();
  await closeEnv(big);
}

function summary(): void {
  const rows: Array<[string, string, boolean | undefined]> = [
    [
      'appended and integrated >= 10,000/s',
      `${rate(results.integrated, 1)}/s (plain rows ${rate(results.plain, 1)}/s: ${(results.integrated / results.plain).toFixed(2)} of the floor)`,
      results.integrated >= 10_000,
    ],
    [
      'checkpoint latency p99 <= 1 s',
      `${results.checkpointP99} ms at full speed`,
      results.checkpointP99 <= 1000,
    ],
    [
      `proofs over HTTP at ${PROOF_ENTRIES.toLocaleString('en-US')} >= 20,000/s`,
      `${rate(results.proofsHttp, 1)}/s (bare node:http ${rate(results.proofsFloor, 1)}/s: ${(results.proofsHttp / results.proofsFloor).toFixed(2)} of the floor)`,
      PROOF_ENTRIES >= 1_000_000 && results.proofsHttp >= 20_000 && results.proofsHttpErrors === 0,
    ],
    ['bytes stored per entry', String(results.bytesPerEntry), undefined],
  ];
  out('\ntargets');
  for (const [name, value, met] of rows)
    out(`  ${name.padEnd(44)}${value.padEnd(72)} ${met === undefined ? '' : met ? 'MET' : 'MISSED'}`);
}

const [l1, l5] = loadavg();
out(
  `evidence benchmark, ${new Date().toISOString()}, load average ${l1?.toFixed(2)} / ${l5?.toFixed(2)}: ` +
    `${RECEIPTS} receipts, proofs at ${PROOF_ENTRIES} entries, ${CONCURRENCY} concurrent callers`,
);
await proofPhase(await storagePhase());
summary();
process.exit(0);
