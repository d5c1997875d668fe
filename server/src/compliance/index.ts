/**
 * The compliance module: export jobs, the bundle writer and the export API (EVIDENCE.md §3). The
 * offline verifier lives in ./bundle (no database, no network) and is run by `aila verify-bundle`.
 * Retention and legal holds are ./retention, wired separately.
 *
 * Wiring (app.ts):
 * ```ts
 * const compliance = await createComplianceModule({ db, log, config: config.compliance, audit, evidence,
 *   registry: metrics.registry, caller: exportCaller, content });
 * compliance.declareRoutes(routes.router());   // then app.use(router.router)
 * compliance.start();                         // on shutdown: await compliance.stop();
 * ```
 */
import { mkdir } from 'node:fs/promises';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { Counter, type Registry } from 'prom-client';
import type { AuditService } from '../audit/index.js';
import { type EvidenceModule, TileCache, TileStore } from '../evidence/index.js';
import type { DeclaredRouter } from '../identity/index.js';
import type { ComplianceConfig } from './config-schema.js';
import type { CallerResolver } from './export/caller.js';
import type { ContentReader } from './export/content-reader.js';
import { BundleFiles } from './export/download.js';
import { ExportRunner } from './export/job-runner.js';
import { declareExportRoutes } from './export/router.js';
import { ExportService } from './export/service.js';

export { ComplianceConfig } from './config-schema.js';
export type { CallerResolver, ExportCaller } from './export/caller.js';
export type { ContentReader } from './export/content-reader.js';

export interface ComplianceModuleDeps {
  db: Knex;
  log: Logger;
  config: ComplianceConfig;
  audit: AuditService;
  evidence: EvidenceModule;
  caller: CallerResolver;
  /** The content module's service, when it exists: exports may then include retained content. */
  content?: ContentReader;
  registry?: Registry;
}

export interface ComplianceModule {
  service: ExportService;
  runner: ExportRunner;
  declareRoutes(r: DeclaredRouter): void;
  start(): void;
  stop(): Promise<void>;
}

/** Tiles cached for export proofs, apart from the proof API's cache so an export does not evict it. */
const EXPORT_TILE_CACHE = 512;

export async function createComplianceModule(deps: ComplianceModuleDeps): Promise<ComplianceModule> {
  const { db, config, evidence } = deps;
  const log = deps.log.child({ module: 'compliance' });
  const exports = config.exports;
  await mkdir(exports.dir, { recursive: true, mode: 0o750 });
  const jobsTotal =
    deps.registry === undefined
      ? undefined
      : new Counter({
          name: 'aila_compliance_export_jobs_total',
          help: 'Finished compliance export jobs by status',
          labelNames: ['status'] as const,
          registers: [deps.registry],
        });
  const runner = new ExportRunner({
    db,
    log,
    config: exports,
    audit: deps.audit,
    build: {
      db,
      evidence,
      tiles: new TileStore(db, new TileCache(EXPORT_TILE_CACHE)),
      content: deps.content,
      dir: exports.dir,
      gzipLevel: exports.gzipLevel,
      pageSize: exports.pageSize,
    },
    ...(jobsTotal ? { jobsTotal } : {}),
  });
  const service = new ExportService({
    db,
    evidence,
    audit: deps.audit,
    config: exports,
    content: deps.content,
    queued: () => runner.poll(),
  });
  const files = new BundleFiles(exports.dir, log);
  return {
    service,
    runner,
    declareRoutes: (r) =>
      declareExportRoutes(r, { db, audit: deps.audit, evidence, service, files, caller: deps.caller }),
    start: () => runner.start(),
    stop: () => runner.stop(),
  };
}
