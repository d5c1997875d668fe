/**
 * Runs every test of the repository with node's test runner and ends with the line
 * `N passed, N failed`. Without DATABASE_URL it starts one embedded PostgreSQL for the whole run;
 * each test file then creates its own database on that server.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { availableParallelism } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { finished } from 'node:stream/promises';
import { run } from 'node:test';
import { spec } from 'node:test/reporters';
import { pino } from 'pino';
import { startEmbeddedPostgres } from '../src/platform/db/embedded.js';

const ROOT = resolve(import.meta.dirname, '../..');
const TEST_DIRS = [
  'server/src',
  'server/test',
  'helm/tests',
  'terraform/tests',
  'compose/tests',
  'admin-ui/src',
  'admin-ui/tests',
];
const TEST_FILE = /\.test\.ts$/;

function findTests(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules' || name === 'dist') return [];
    if (statSync(path).isDirectory()) return findTests(path);
    return TEST_FILE.test(name) ? [path] : [];
  });
}

const freePort = () =>
  new Promise<number>((ok, ko) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => ok(port));
    });
    srv.on('error', ko);
  });

const filter = process.argv.slice(2);
const files = TEST_DIRS.flatMap((d) => findTests(join(ROOT, d)))
  .filter((f) => filter.length === 0 || filter.some((part) => f.includes(part)))
  .sort();

let stopDatabase = async () => {};
if (!process.env.DATABASE_URL) {
  const dataDir = join(ROOT, '.aila', `test-pg-${process.pid}`);
  const embedded = await startEmbeddedPostgres({
    dataDir,
    port: await freePort(),
    log: pino({ level: 'warn' }),
    persistent: false,
    production: false,
  });
  process.env.DATABASE_URL = embedded.url;
  stopDatabase = async () => {
    await embedded.stop();
    await rm(`${dataDir}.password`, { force: true });
  };
}

process.stdout.write(`running ${files.length} test files\n`);
let passed = 0;
let failed = 0;
let skipped = 0;
const failures: string[] = [];
const stream = run({ files, concurrency: Math.max(2, availableParallelism()), timeout: 10 * 60_000 });
stream.on('test:pass', (event) => {
  if (event.details.type === 'suite') return;
  if (event.skip || event.todo) skipped++;
  else passed++;
});
stream.on('test:fail', (event) => {
  if (event.details.type === 'suite') return;
  failed++;
  failures.push(`${relative(ROOT, event.file ?? '')}: ${event.name}`);
});
const out = stream.compose(new spec());
out.pipe(process.stdout);
await finished(out);
await stopDatabase();
if (failures.length > 0) process.stdout.write(`\nfailed:\n${failures.map((f) => `  ${f}`).join('\n')}\n`);
process.stdout.write(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
process.exitCode = failed > 0 ? 1 : 0;
