/**
 * Test harness of the evidence module: a fresh migrated database, the module with generated keys in a
 * temporary directory, and its routes on a real HTTP listener (ephemeral port) behind the platform's
 * error handler. The caller's read scope comes from the `x-test-scope` header (JSON).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import type { Knex } from 'knex';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { type AuditService, createAuditModule } from '../../src/audit/index.js';
import { type Config, loadConfig } from '../../src/config/index.js';
import {
  createEvidenceModule,
  type EvidenceModule,
  expressDeclarer,
  type KeyRole,
  type KeySource,
  type ReadScope,
} from '../../src/evidence/index.js';
import { createDb } from '../../src/platform/db/knex.js';
import { migrateUp } from '../../src/platform/db/migrations.js';
import { errorHandler, notFoundHandler } from '../../src/platform/http/error-handler.js';
import { requestContext } from '../../src/platform/http/request-context.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

export { buildOperation } from './operation.js';

export interface EvidenceHarness {
  config: Config;
  db: Knex;
  database: TestDatabase;
  evidence: EvidenceModule;
  audit: AuditService;
  registry: Registry;
  url: string;
  keyDir: string;
  stop(): Promise<void>;
}

/** Loads the configuration the way the appliance does, from `AILA_*` overrides. */
export async function testConfig(env: Record<string, string>): Promise<Config> {
  return loadConfig({
    env: {
      AILA_SERVER_PUBLIC_URL: 'https://ai-la.example.com',
      AILA_EVIDENCE_CHECKPOINT_INTERVAL_MS: '100',
      ...env,
    },
  });
}

/** Starts the harness; `env` adds configuration overrides (`AILA_EVIDENCE_*`). */
export async function startEvidence(
  env: Record<string, string> = {},
  options: {
    database?: TestDatabase;
    keyDir?: string;
    start?: boolean;
    /** Key sources for `evidence.keys.source` transit or kv (built from a Vault client). */
    keySources?: Record<KeyRole, KeySource>;
  } = {},
): Promise<EvidenceHarness> {
  const database = options.database ?? (await createTestDatabase());
  const keyDir = options.keyDir ?? (await mkdtemp(join(tmpdir(), 'aila-keys-')));
  const config = await testConfig({ AILA_EVIDENCE_KEYS_DIR: keyDir, ...env });
  const db = createDb({ ...config.database, pool: { min: 0, max: 8 } }, database.url);
  await migrateUp(db);
  const registry = new Registry();
  const log = pino({ level: 'warn' });
  const evidence = await createEvidenceModule({
    db,
    log,
    config: config.evidence,
    publicUrl: config.server.publicUrl,
    production: false,
    registry,
    ...(options.keySources ? { keySources: options.keySources } : {}),
  });
  const audit = (await createAuditModule({ db, appender: evidence.auditAppender })).service;
  const app = express();
  app.use(requestContext(log));
  app.use(express.json());
  const r = expressDeclarer();
  const scopeOf = (req: express.Request): ReadScope => {
    const header = req.get('x-test-scope');
    return header === undefined ? { kind: 'all' } : (JSON.parse(header) as ReadScope);
  };
  evidence.declarePublicRoutes(r);
  evidence.declareReceiptRoutes(r, scopeOf);
  evidence.declareAuditRoutes(r, scopeOf);
  app.use(r.router);
  app.use(notFoundHandler);
  app.use(errorHandler);
  const server: Server = await new Promise((ok) => {
    const s = app.listen(0, '127.0.0.1', () => ok(s));
  });
  if (options.start !== false) evidence.start();
  return {
    config,
    db,
    database,
    evidence,
    audit,
    registry,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    keyDir,
    stop: async () => {
      await new Promise((ok) => server.close(ok));
      await evidence.stop();
      await db.destroy();
      if (options.database === undefined) await database.drop();
      if (options.keyDir === undefined) await rm(keyDir, { recursive: true, force: true });
    },
  };
}

/** Resolves once the log's latest checkpoint covers `size` leaves. */
export async function waitForSize(
  evidence: EvidenceModule,
  log: 'receipts' | 'audit',
  size: number,
  timeoutMs = 30000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const latest = await evidence.proofs.latest(evidence.logs[log], true);
    if (latest !== undefined && latest.size >= size) return;
    if (Date.now() > deadline)
      throw new Error(`the ${log} log did not reach size ${size} (at ${latest?.size})`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
