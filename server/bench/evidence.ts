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
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import express from 'express';
import { pino } from 'pino';
import { expressDeclarer } from '../src/evidence/index.js';
import { ReceiptAppender, type ReceiptLeaf } from '../src/evidence/store/receipt-appender.js';
import { withConnection } from '../src/evidence/store/sql.js';
import { bulkLoadReceipts } from './evidence-bulk.js';
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
  const prove = () => big.evidence.proofs.inclusion(receiptsLog, Math.floor(Math.random() * PROOF_ENTRIES));
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

  const app = express();
  app.get('/hello', (_req, res) => {
    res.json({ status: 'ok' });
  });
  const r = expressDeclarer();
  big.evidence.declarePublicRoutes(r);
  app.use(r.router);
  const server = app.listen(0, '127.0.0.1');
  await new Promise((ok) => server.once('listening', ok));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const url = `${base}/api/v1/tecp/proof?log=receipts&index=${PROOF_ENTRIES - 12345}`;
  await runLoad({ url, concurrency: 32, durationMs: 1000 });
  const http = await runLoad({ url, concurrency: 32, durationMs: DURATION_MS });
  const hello = await runLoad({ url: `${base}/hello`, concurrency: 32, durationMs: DURATION_MS });
  out(
    `inclusion proofs over HTTP:   ${rate(http.requests, http.seconds)} req/s, p99 ${http.p99Ms.toFixed(2)} ms, errors ${http.errors} (bare Express 5 JSON hello: ${rate(hello.requests, hello.seconds)} req/s; 32 connections)`,
  );
  server.close();
  await closeEnv(big);
}

out(
  `evidence benchmark: ${RECEIPTS} receipts, proofs at ${PROOF_ENTRIES} entries, ${CONCURRENCY} concurrent callers`,
);
await proofPhase(await storagePhase());
process.exit(0);
