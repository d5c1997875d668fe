/**
 * `npm run bench:export`: a compliance export of BENCH_EXPORT_RECEIPTS (1,000,000) signed receipts
 * through the job runner, then `aila verify-bundle` on the bundle, each in its own process, timed,
 * with its peak RSS. Targets: export <= 120 s, verify <= 120 s, peak RSS <= 256 MB for each.
 * BENCH_EXPORT_RECEIPTS changes the count; BENCH_EXPORT_KEEP=1 keeps the bundle; BENCH_PROFILE=1
 * writes CPU profiles of both sides into .bench/profiles (summarise with bench/profile.ts).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { pino } from 'pino';
import { loadConfig } from '../src/config/index.js';
import { createEvidenceModule } from '../src/evidence/index.js';
import { createDb } from '../src/platform/db/knex.js';
import { migrateUp } from '../src/platform/db/migrations.js';
import { createTestDatabase } from '../test/support/database.js';
import { bulkLoadSignedReceipts } from './export-bulk.js';

const COUNT = Number(process.env.BENCH_EXPORT_RECEIPTS ?? 1_000_000);
const TARGET_S = 120;
const TARGET_MB = 256;
const out = (line: string) => process.stdout.write(`${line}\n`);
const run = promisify(execFile);

const database = await createTestDatabase();
const dir = await mkdtemp(join(tmpdir(), 'aila-bench-export-'));
const env = {
  AILA_DATABASE_URL: database.url,
  AILA_EVIDENCE_KEYS_DIR: join(dir, 'keys'),
  AILA_EVIDENCE_SEQUENCER_ENABLED: 'false',
  AILA_COMPLIANCE_EXPORTS_DIR: join(dir, 'exports'),
  AILA_COMPLIANCE_EXPORTS_POLL_MS: '100',
};
try {
  const config = await loadConfig({ env });
  const db = createDb({ ...config.database, pool: { min: 0, max: 4 } }, database.url);
  await migrateUp(db);
  const log = pino({ level: 'warn' });
  const evidence = await createEvidenceModule({
    db,
    log,
    config: config.evidence,
    publicUrl: config.server.publicUrl,
    production: false,
  });
  const end = Date.now();
  out(
    `bench:export: ${COUNT.toLocaleString('en-US')} signed receipts, gzip level ${config.compliance.exports.gzipLevel}, page ${config.compliance.exports.pageSize}`,
  );
  const loadStart = performance.now();
  await bulkLoadSignedReceipts(db, evidence, COUNT, end);
  out(
    `bulk-loaded (built, signed, stored, tiles) in ${((performance.now() - loadStart) / 1000).toFixed(1)} s`,
  );
  await evidence.stop();
  await db.destroy();

  // Both sides run on the built server (as shipped), each in its own process under GNU time for
  // its peak RSS (worker threads included).
  const serverDir = resolve(import.meta.dirname, '..');
  await run(
    process.execPath,
    [resolve(serverDir, '../node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
    {
      cwd: serverDir,
    },
  );
  // BENCH_PROFILE=1 writes a CPU profile of each side (one file per thread) into .bench/profiles.
  const profile = process.env.BENCH_PROFILE
    ? ['--cpu-prof', `--cpu-prof-dir=${resolve(serverDir, '../.bench/profiles')}`]
    : [];
  const timed = async (args: string[]) => {
    const startedAt = performance.now();
    const { stdout, stderr } = await run('/usr/bin/time', ['-v', process.execPath, ...profile, ...args], {
      cwd: serverDir,
      env: { ...process.env, ...env },
      maxBuffer: 1 << 24,
      timeout: 30 * 60_000,
    }).catch((err: { stdout: string; stderr: string }) => err);
    const field = (name: string) => Number(new RegExp(`${name}: ([\\d.]+)`).exec(stderr)?.[1] ?? Number.NaN);
    const rss = field('Maximum resident set size \\(kbytes\\)');
    const cpu = field('User time \\(seconds\\)') + field('System time \\(seconds\\)');
    return { stdout, wall: (performance.now() - startedAt) / 1000, cpu, maxRssMb: Math.round(rss / 1024) };
  };
  const exportRun = await timed([
    resolve(import.meta.dirname, 'export-child.mjs'),
    new Date(end - 2 * 3600_000).toISOString(),
  ]);
  const exported = JSON.parse(exportRun.stdout.trim().split('\n').at(-1) as string) as Record<
    string,
    number | string
  >;
  if (exported.status !== 'completed') throw new Error(`export ${exported.status}`);
  const verifyRun = await timed(['dist/src/cli/index.js', 'verify-bundle', String(exported.file), '--json']);
  const report = JSON.parse(verifyRun.stdout) as {
    valid: boolean;
    checks: Array<{ name: string; ok: boolean; errors: string[] }>;
  };
  const verified = {
    seconds: verifyRun.wall,
    cpu: verifyRun.cpu,
    maxRssMb: verifyRun.maxRssMb,
    valid: report.valid,
    failed: report.checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.errors.slice(0, 3).join('; ')}`),
  };
  Object.assign(exported, { maxRssMb: exportRun.maxRssMb, cpu: exportRun.cpu });
  const load = (await import('node:os')).loadavg()[0]?.toFixed(1);
  const verdict = (s: number, mb: number) => (s <= TARGET_S && mb <= TARGET_MB ? 'MET' : 'MISSED');
  out(`bundle: ${(Number(exported.bytes) / 2 ** 20).toFixed(0)} MiB, ${exported.entries} entries`);
  out(
    `export: ${Number(exported.seconds).toFixed(1)} s, peak RSS ${exported.maxRssMb} MB (target <= ${TARGET_S} s, <= ${TARGET_MB} MB): ${verdict(Number(exported.seconds), Number(exported.maxRssMb))}`,
  );
  out(
    `verify: ${Number(verified.seconds).toFixed(1)} s, peak RSS ${verified.maxRssMb} MB, ${verified.valid ? 'VALID' : 'INVALID'} (target <= ${TARGET_S} s, <= ${TARGET_MB} MB): ${verdict(Number(verified.seconds), Number(verified.maxRssMb))}`,
  );
  if (!verified.valid) out(`verify failures: ${JSON.stringify(verified.failed)}`);
  // CPU seconds do not depend on what else runs on the machine: on two idle cores the wall time of
  // a process that keeps both busy approaches half of it.
  out(
    `CPU time (user + system, all threads): export ${Number(exported.cpu).toFixed(1)} s, verify ${verified.cpu.toFixed(1)} s; load average ${load} during the run`,
  );
  out(
    `export rate ${Math.round(COUNT / Number(exported.seconds)).toLocaleString('en-US')} entries/s, verify rate ${Math.round(COUNT / Number(verified.seconds)).toLocaleString('en-US')} entries/s`,
  );
} finally {
  await database.drop();
  // BENCH_EXPORT_KEEP=1 keeps the bundle for a look (its path is printed).
  if (process.env.BENCH_EXPORT_KEEP) out(`kept ${dir}`);
  else await rm(dir, { recursive: true, force: true });
}
