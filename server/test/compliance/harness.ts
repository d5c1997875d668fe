/**
 * The evidence, audit and compliance modules on a fresh database, without HTTP: receipts recorded
 * through the real receipt service, audit events through the real audit service, integrated by the
 * real sequencer; exports run by the real job runner. For tests of bundles and jobs.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Knex } from 'knex';
import { pino } from 'pino';
import { type AuditService, createAuditModule } from '../../src/audit/index.js';
import {
  type ComplianceModule,
  createComplianceModule,
  type ExportCaller,
} from '../../src/compliance/index.js';
import { loadConfig } from '../../src/config/index.js';
import { type ContentModule, createContentModule } from '../../src/content/index.js';
import { createEvidenceModule, type EvidenceModule } from '../../src/evidence/index.js';
import { createDb } from '../../src/platform/db/knex.js';
import { migrateUp } from '../../src/platform/db/migrations.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

export interface Harness {
  database: TestDatabase;
  db: Knex;
  evidence: EvidenceModule;
  audit: AuditService;
  /** The content module (development key-encryption key); retention is off until a test turns it on. */
  content: ContentModule;
  dir: string;
  /** The configuration variables of this harness (for another process on the same database). */
  env: Record<string, string>;
  /** A compliance module (a replica) on this database; `workers: 0` serves the API only. */
  replica(overrides?: Record<string, string>): Promise<ComplianceModule>;
  /** Records `n` receipts (and, unless `audit` is false, as many audit events). */
  record(
    n: number,
    op?: Partial<{ subject: string; team: string; model: string; audit: boolean }>,
  ): Promise<void>;
  waitForLogs(): Promise<void>;
  close(): Promise<void>;
}

export const AUDITOR: ExportCaller = { userId: randomUUID(), mayReadContent: false };
const log = pino({ level: 'warn' });

export async function openHarness(): Promise<Harness> {
  const database = await createTestDatabase();
  const dir = await mkdtemp(join(tmpdir(), 'aila-compliance-'));
  const env = {
    AILA_EVIDENCE_KEYS_DIR: join(dir, 'keys'),
    AILA_EVIDENCE_CHECKPOINT_INTERVAL_MS: '100',
    AILA_COMPLIANCE_EXPORTS_DIR: join(dir, 'exports'),
    AILA_COMPLIANCE_EXPORTS_POLL_MS: '100',
    AILA_COMPLIANCE_EXPORTS_PAGE_SIZE: '100',
  };
  const config = await loadConfig({ env });
  const db = createDb({ ...config.database, pool: { min: 0, max: 10 } }, database.url);
  await migrateUp(db);
  const evidence = await createEvidenceModule({
    db,
    log,
    config: config.evidence,
    publicUrl: config.server.publicUrl,
    production: false,
  });
  const audit = (await createAuditModule({ db, appender: evidence.auditAppender })).service;
  const content = await createContentModule({
    db,
    log,
    config: config.content,
    audit,
    production: false,
    usageRetentionDays: 30,
  });
  evidence.start();
  const replicas: ComplianceModule[] = [];
  return {
    database,
    db,
    evidence,
    audit,
    content,
    dir: join(dir, 'exports'),
    env: { ...env, AILA_DATABASE_URL: database.url },
    async replica(overrides = {}) {
      const c = await loadConfig({ env: { ...env, ...overrides } });
      const module = await createComplianceModule({
        db,
        log,
        config: c.compliance,
        audit,
        evidence,
        caller: () => AUDITOR,
        content: content.service,
      });
      replicas.push(module);
      return module;
    },
    async record(n, op = {}) {
      for (let i = 0; i < n; i++) {
        await evidence.receipts.record({
          op: 'chat_completions',
          requestId: randomUUID(),
          subject: op.subject ?? randomUUID(),
          team: op.team ?? '',
          model: op.model ?? 'ai-la/sim-coder-7b',
          backend: 'sim',
          promptTokens: 10,
          completionTokens: 20,
          status: 'ok',
          inputHash: Buffer.alloc(32, i % 251),
          outputHash: Buffer.alloc(32, (i * 7) % 251),
        });
        if (op.audit === false) continue;
        await audit.record(db, {
          action: 'settings.updated',
          outcome: 'success',
          actor: { type: 'user', id: AUDITOR.userId },
          details: { n: i },
        });
      }
    },
    async waitForLogs() {
      for (const name of ['receipts', 'audit'] as const) {
        const target = Number(
          (await db('log_leaves').where({ log: evidence.logs[name].id }).count({ n: '*' }))[0]?.n ?? 0,
        );
        for (;;) {
          const latest = await evidence.proofs.latest(evidence.logs[name], true);
          if ((latest?.size ?? 0) >= target) break;
          await new Promise((r) => setTimeout(r, 20));
        }
      }
    },
    async close() {
      for (const r of replicas) await r.stop();
      await evidence.stop();
      await db.destroy();
      await database.drop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Requests an export through the service and waits until a runner finished it. */
export async function exportNow(
  module: ComplianceModule,
  body: Record<string, unknown> = {},
  caller: ExportCaller = AUDITOR,
): Promise<{ id: string; status: string; file: string | null }> {
  const now = Date.now();
  const row = await module.service.create(caller, {
    from: new Date(now - 3600_000).toISOString(),
    to: new Date(now + 3600_000).toISOString(),
    ...body,
  } as never);
  return waitForJob(module, row.id);
}

export async function waitForJob(
  module: ComplianceModule,
  id: string,
): Promise<{ id: string; status: string; file: string | null }> {
  for (let i = 0; i < 1200; i++) {
    const job = await module.service.get(id);
    if (job.status === 'completed' || job.status === 'failed')
      return { id, status: job.status, file: job.file_name };
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`export ${id} did not finish`);
}
