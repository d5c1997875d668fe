/**
 * The evidence module factory: keys, receipts, the two transparency logs with their sequencer, proofs,
 * the audit log appender and the HTTP routes. app.ts wires it (see index.ts).
 */
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { AuditLogAppender } from '../audit/index.js';
import type { LeanRoutes } from '../platform/http/lean-routes.js';
import { createAuditLogAppender, createSiemSink, type SiemSink } from './audit-log.js';
import { resolveCodeRef } from './code-ref.js';
import type { EvidenceConfig } from './config-schema.js';
import { isValidKeyName } from './core/index.js';
import { KeyRing, type KeyRole, type KeySource } from './keys/key-ring.js';
import { LOG_NAMES, type LogDescriptor, type LogName, resolveLogs } from './logs.js';
import { EvidenceMetrics } from './metrics.js';
import { ProofService } from './proofs.js';
import { ReceiptService } from './receipt-service.js';
import { declareAuditRoutes } from './routes/audit-routes.js';
import type { RouteDeclarer } from './routes/declarer.js';
import { declareLogRoutes, leanLogRoutes } from './routes/log-routes.js';
import { declareReceiptRoutes } from './routes/receipt-routes.js';
import { declareTecpRoutes, leanTecpRoutes } from './routes/tecp-routes.js';
import type { ScopeResolver } from './scope.js';
import { type Integration, LogSequencer } from './sequencer/log-sequencer.js';
import { SequencerService } from './sequencer/sequencer-service.js';
import { ReceiptAppender } from './store/receipt-appender.js';
import { TileCache, TileStore } from './store/tile-store.js';
import { VerifyService } from './verify-service.js';

export interface EvidenceModuleDeps {
  db: Knex;
  log: Logger;
  config: EvidenceConfig;
  /** `server.publicUrl`: its host is the default origin prefix. */
  publicUrl: string;
  /** NODE_ENV=production: generated keys are refused. */
  production: boolean;
  /** The appliance's Prometheus registry (`metrics.registry`). */
  registry?: Registry;
  /**
   * The key sources when `evidence.keys.source` is `kv` or `transit` (built by the secrets module,
   * which holds the Vault client); absent, the keys come from files.
   */
  keySources?: Record<KeyRole, KeySource>;
  /** Sequencer election through the advisory lock (default true; tests turn it off to exercise the fence). */
  election?: boolean;
}

export interface EvidenceModule {
  logs: Record<LogName, LogDescriptor>;
  codeRef: string;
  keys: KeyRing;
  /** The gateway's `OperationRecorder` (and the assistant's). */
  receipts: ReceiptService;
  /** Pass to `createAuditModule({ appender })`. */
  auditAppender: AuditLogAppender;
  proofs: ProofService;
  tiles: TileStore;
  verifier: VerifyService;
  sequencer: SequencerService;
  /** Public: `/log/{receipts|audit}/...`, `/api/v1/tecp/*`, `/.well-known/tecp-jwks`. */
  declarePublicRoutes(r: RouteDeclarer): void;
  /** The same proof and checkpoint reads on the lean path (before the Express stack). */
  declareLeanRoutes(lean: LeanRoutes): void;
  /** `GET /api/v1/receipts[/:id]` (access `receipts:read`), filtered by the caller's scope. */
  declareReceiptRoutes(r: RouteDeclarer, scopeOf: ScopeResolver): void;
  /** `GET /api/v1/audit/events[/:id]` (access `audit:read`), filtered by the caller's scope. */
  declareAuditRoutes(r: RouteDeclarer, scopeOf: ScopeResolver): void;
  /** Calls `listener` after each integration this replica commits; returns the unsubscribe function. */
  onIntegrated(listener: (integration: Integration) => void): () => void;
  /** Starts the sequencer (when `sequencerEnabled`) and key reloading. */
  start(): void;
  /** Waits for queued receipts to commit, stops the sequencer and key reloading, closes the SIEM sink. */
  stop(): Promise<void>;
}

/** Records the configured origins on first use and refuses a changed one (a log's identity is fixed). */
async function pinOrigins(db: Knex, logs: Record<LogName, LogDescriptor>): Promise<void> {
  for (const name of LOG_NAMES) {
    const { id, origin } = logs[name];
    if (!isValidKeyName(origin))
      throw new Error(`evidence.origins.${name} ${JSON.stringify(origin)} is not a valid key name`);
    await db('evidence_logs').where({ id }).whereNull('origin').update({ origin });
    const row = (await db('evidence_logs').where({ id }).first('origin')) as { origin: string } | undefined;
    if (row === undefined) throw new Error('evidence_logs is not migrated');
    if (row.origin !== origin) {
      throw new Error(
        `the ${name} log's origin is ${JSON.stringify(row.origin)}; it cannot become ${JSON.stringify(origin)} (set evidence.origins.${name})`,
      );
    }
  }
}

/** Creates the evidence module; throws (so the appliance refuses to start) on bad keys or origins. */
export async function createEvidenceModule(deps: EvidenceModuleDeps): Promise<EvidenceModule> {
  const { db, config } = deps;
  const logger = deps.log.child({ module: 'evidence' });
  const logs = resolveLogs(config.origins, deps.publicUrl);
  await pinOrigins(db, logs);
  let metrics: EvidenceMetrics | undefined;
  const keys = await KeyRing.open({
    db,
    config: config.keys,
    production: deps.production,
    logger,
    ...(deps.keySources ? { sources: deps.keySources } : {}),
    onSigningFailure: (role) => metrics?.signingFailures.inc({ key: role }),
  });
  const codeRef = await resolveCodeRef(config.codeRef);
  const tiles = new TileStore(db, new TileCache(config.proofCacheTiles));
  const proofs = new ProofService(db, tiles, Math.min(250, Math.floor(config.checkpointIntervalMs / 2)));
  const logKey = () => ({ kid: keys.log.kid, signer: keys.log.signer });
  const sequencers = LOG_NAMES.map(
    (n) => new LogSequencer(logs[n], tiles, logKey, config.sequencerBatchSize),
  );
  const listeners = new Set<(i: Integration) => void>();
  const sequencer = new SequencerService({
    db,
    sequencers,
    intervalMs: config.checkpointIntervalMs,
    logger,
    election: deps.election ?? true,
    onIntegrated: (integration) => {
      proofs.published(integration.log, integration.checkpoint);
      metrics?.observe(integration);
      logger.debug(
        { log: integration.log.name, size: integration.checkpoint.size, added: integration.added },
        'checkpoint signed',
      );
      for (const listener of listeners) listener(integration);
    },
  });
  if (deps.registry !== undefined) {
    metrics = new EvidenceMetrics({
      registry: deps.registry,
      db,
      logs,
      proofs,
      keys,
      rotateAfterDays: config.keys.rotateAfterDays,
      isLeader: (log) => sequencer.isLeader(log),
    });
  }
  const appender = new ReceiptAppender(
    db,
    {
      batchSize: config.appendBatchSize,
      concurrency: config.appendConcurrency,
      maxQueue: config.appendMaxQueue,
    },
    logger,
  );
  const receipts = new ReceiptService({
    codeRef,
    receiptsLog: logs.receipts,
    key: () => keys.receipt,
    appender,
    noModelTraining: config.policies.noModelTraining,
    onRecorded: (op) => metrics?.receipts.inc({ status: op.status }),
  });
  const siem: SiemSink | undefined = config.auditSiem.enabled
    ? createSiemSink(config.auditSiem.file)
    : undefined;
  const verifier = new VerifyService(db, keys, proofs, logs.receipts);

  return {
    logs,
    codeRef,
    keys,
    receipts,
    auditAppender: createAuditLogAppender(siem),
    proofs,
    tiles,
    verifier,
    sequencer,
    declarePublicRoutes: (r) => {
      declareLogRoutes(r, { db, logs, proofs, tiles });
      declareTecpRoutes(r, { logs, proofs, keys, verifier });
    },
    declareLeanRoutes: (lean) => {
      leanLogRoutes(lean, { logs, proofs });
      leanTecpRoutes(lean, { logs, proofs, keys, verifier });
    },
    declareReceiptRoutes: (r, scopeOf) =>
      declareReceiptRoutes(r, { db, receiptsLog: logs.receipts, proofs, scopeOf }),
    declareAuditRoutes: (r, scopeOf) => declareAuditRoutes(r, { db, auditLog: logs.audit, proofs, scopeOf }),
    onIntegrated: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    start: () => {
      keys.start();
      if (config.sequencerEnabled) sequencer.start();
    },
    stop: async () => {
      await appender.drain();
      await appender.close();
      await sequencer.stop();
      keys.stop();
      await siem?.close();
    },
  };
}
