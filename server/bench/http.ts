/**
 * `npm run bench:http`: the cost of the appliance's HTTP platform (request id, logging, metrics,
 * helmet, routing, error handling) against a bare node:http server answering the same JSON, measured in
 * one run on loopback with the same load generator. Prints requests/s, p50/p99 and the ratio.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { pino } from 'pino';
import { createLogger } from '../src/platform/logger.js';
import { startTestAppliance } from '../test/support/appliance.js';
import { runLoad } from './run-load.js';

const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 5000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);

const bare = createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
});
await new Promise<void>((ok) => bare.listen(0, '127.0.0.1', ok));
const bareUrl = `http://127.0.0.1:${(bare.address() as AddressInfo).port}/livez`;
const plainExpress = express();
plainExpress.get('/livez', (_req, res) => {
  res.json({ status: 'ok' });
});
const expressServer = plainExpress.listen(0, '127.0.0.1');
await new Promise((ok) => expressServer.once('listening', ok));
const expressUrl = `http://127.0.0.1:${(expressServer.address() as AddressInfo).port}/livez`;
// A production-like logger: one JSON line per request, written asynchronously (to /dev/null here).
const log = createLogger({
  level: 'info',
  destination: pino.destination({ dest: '/dev/null', sync: false }),
});
const appliance = await startTestAppliance({}, { log });

const load = (url: string) => runLoad({ url, concurrency: CONCURRENCY, durationMs: DURATION_MS });
// Warm up each target, then measure them one after the other in the same run.
for (const url of [bareUrl, expressUrl, `${appliance.url}/livez`]) await load(url);
const direct = await load(bareUrl);
const plain = await load(expressUrl);
const platform = await load(`${appliance.url}/livez`);

const row = (name: string, r: typeof direct) =>
  `${name.padEnd(28)} ${String(r.rps).padStart(8)} req/s   p50 ${r.p50Ms.toFixed(3)} ms   p99 ${r.p99Ms.toFixed(3)} ms   errors ${r.errors}`;
process.stdout.write(`GET /livez, ${CONCURRENCY} connections, ${DURATION_MS} ms each, loopback\n`);
process.stdout.write(
  `${row('bare node:http', direct)}\n${row('bare Express 5', plain)}\n${row('appliance platform', platform)}\n`,
);
process.stdout.write(
  `throughput ratio (appliance / bare): ${(platform.rps / direct.rps).toFixed(3)}\n` +
    `throughput ratio (appliance / bare Express): ${(platform.rps / plain.rps).toFixed(3)}\n` +
    `added latency p50: ${(platform.p50Ms - direct.p50Ms).toFixed(3)} ms, p99: ${(platform.p99Ms - direct.p99Ms).toFixed(3)} ms\n`,
);
bare.close();
expressServer.close();
await appliance.stop();
process.exit(0);
