/**
 * The evidence module (EVIDENCE.md): TECP receipts, the `receipts` and `audit` transparency logs,
 * checkpoints, proofs, tiles, signing keys and verification.
 *
 * Wiring (app.ts / main.ts):
 * ```ts
 * const evidence = await createEvidenceModule({ db, log, config: config.evidence,
 *   publicUrl: config.server.publicUrl, production: runtime.production, registry: metrics.registry });
 * const audit = (await createAuditModule({ db, appender: evidence.auditAppender })).service;
 * const r = routes.router();
 * evidence.declarePublicRoutes(r);
 * evidence.declareReceiptRoutes(r, scopeOf('receipts:read'));
 * evidence.declareAuditRoutes(r, scopeOf('audit:read'));
 * app.use(r.router);
 * evidence.start();            // on shutdown, after the HTTP drain: await evidence.stop();
 * ```
 */
export { createAuditLogAppender, createSiemSink, type SiemSink } from './audit-log.js';
export { keysCommand } from './cli/keys-command.js';
export { verifyCommand } from './cli/verify-command.js';
export { resolveCodeRef } from './code-ref.js';
export { EvidenceConfig } from './config-schema.js';
export { type Jwk, type StoredKey, toJwk } from './keys/key-repository.js';
export { KeyRing, type KeyRole, type KeySource, type SigningKey } from './keys/key-ring.js';
export { type RotationResult, rotateSigningKeys } from './keys/rotate.js';
export { LOG_IDS, LOG_NAMES, type LogDescriptor, type LogName, resolveLogs } from './logs.js';
export { createEvidenceModule, type EvidenceModule, type EvidenceModuleDeps } from './module.js';
export { type ConsistencyProof, type InclusionProof, ProofService } from './proofs.js';
export {
  type OperationInput,
  pendingId,
  ReceiptService,
  type RecordedReceipt,
} from './receipt-service.js';
export { type EvidenceAccess, expressDeclarer, type RouteDeclarer } from './routes/declarer.js';
export type { ReadScope, ScopeResolver } from './scope.js';
export type { Integration, StoredCheckpoint } from './sequencer/log-sequencer.js';
export { type SqlClient, withConnection } from './store/sql.js';
export { TileCache, TileStore } from './store/tile-store.js';
export { TECP_LOG_ERROR_CODES, type VerifyResult, VerifyService } from './verify-service.js';
