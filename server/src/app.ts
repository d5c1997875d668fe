import express, { type Express } from 'express';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { exportCaller, gatewayCaller, leanGatewayGuard, readScopeOf } from './access.js';
import { createAssistantModule } from './assistant/index.js';
import { createAuditModule } from './audit/index.js';
import { createComplianceModule } from './compliance/index.js';
import { createRetentionModule } from './compliance/retention/index.js';
import type { Config, Runtime } from './config/index.js';
import { createContentModule } from './content/index.js';
import { createEvidenceModule, type KeyRole, type KeySource } from './evidence/index.js';
import { createGatewayModule } from './gateway/index.js';
import { authz, createIdentityModule, RouteRegistry } from './identity/index.js';
import { BUILD } from './platform/build-info.js';
import type { Health } from './platform/health.js';
import { errorHandler, notFoundHandler } from './platform/http/error-handler.js';
import { LeanRoutes } from './platform/http/lean-routes.js';
import { requestContext } from './platform/http/request-context.js';
import { securityHeaders } from './platform/http/security.js';
import type { RotationTargets } from './secrets/index.js';
import type { Metrics } from './telemetry/metrics.js';
import { createWebModule, defaultDistDir, isServerPath } from './web/index.js';

/** Everything the application needs from the outside, built by main.ts (or a test). */
export interface AppDeps {
  config: Config;
  runtime: Runtime;
  db: Knex;
  log: Logger;
  health: Health;
  metrics: Metrics;
  /** Evidence signing keys in Vault (`evidence.keys.source` transit or kv), from the secrets module. */
  evidenceKeys?: Record<KeyRole, KeySource>;
  /** Subscribes the modules' rotating secrets (OIDC client secrets, backend API keys) to their sources. */
  followSecrets?: (targets: RotationTargets) => Promise<void>;
  /** Extra routes mounted after the modules' (embedding the appliance, tests). */
  extend?: (app: Express) => void;
}

/** The application and what must be stopped after the HTTP server has drained. */
export interface App {
  app: Express;
  /** Public read endpoints served before the Express stack (give it to the HTTP server). */
  lean: LeanRoutes;
  /** Stops background work (sequencer, health probes, usage flushing) after the HTTP drain. */
  close(): Promise<void>;
}

/**
 * Builds the Express application: the middleware order, each module's router, the error handler
 * last. This is the one place where modules meet.
 */
export async function createApp(deps: AppDeps): Promise<App> {
  const { config, db, health, metrics, log } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.server.trustProxy);
  app.set('query parser', 'simple');
  app.set('etag', false);

  app.use(requestContext(log));
  app.use(metrics.middleware());
  app.use((_req, res, next) => {
    // While draining, close each connection after its response so clients reconnect elsewhere.
    if (health.isDraining) res.setHeader('connection', 'close');
    next();
  });
  const security = securityHeaders(config.server.publicUrl);
  app.use(security);
  app.use(health.router());
  app.use(express.json({ limit: config.server.jsonBodyLimit, strict: true }));

  // Modules, in dependency order: evidence (logs, receipts) → audit → content → retention → identity
  // → gateway → assistant.
  const evidence = await createEvidenceModule({
    db,
    log,
    config: config.evidence,
    publicUrl: config.server.publicUrl,
    production: deps.runtime.production,
    registry: metrics.registry,
    ...(deps.evidenceKeys ? { keySources: deps.evidenceKeys } : {}),
  });
  const audit = (
    await createAuditModule({
      db,
      appender: evidence.auditAppender,
      ...(config.audit.hmacKey ? { hmacKey: config.audit.hmacKey } : {}),
    })
  ).service;
  const content = await createContentModule({
    db,
    log,
    config: config.content,
    audit,
    production: deps.runtime.production,
    usageRetentionDays: config.gateway.usage.retentionDays,
  });
  const retention = createRetentionModule({
    db,
    log,
    audit,
    content: content.service,
    config: config.retention,
  });
  // Every route is declared in this registry with the access it requires (identity/rbac.ts).
  const routes = new RouteRegistry();
  const identity = await createIdentityModule({
    db,
    log,
    audit,
    config: { auth: config.auth, publicUrl: config.server.publicUrl },
    routes,
  });
  const gateway = await createGatewayModule({
    db,
    log,
    config: config.gateway,
    metrics,
    health,
    guard: [authz('gateway:use')],
    caller: gatewayCaller,
    evidence: evidence.receipts,
    content: content.service,
    audit,
  }).catch(async (err: unknown) => {
    await identity.close();
    throw err;
  });
  const compliance = await createComplianceModule({
    db,
    log,
    config: config.compliance,
    audit,
    evidence,
    caller: exportCaller,
    content: content.service,
    registry: metrics.registry,
  });
  const assistant = await createAssistantModule({
    db,
    log,
    config: config.assistant,
    audit,
    gateway: { ...gateway, maxResponseBytes: config.gateway.maxResponseBytes },
    receipts: evidence.receipts,
    content: content.service,
    retention,
    routes,
    caller: gatewayCaller,
    teamsOf: async (userId) => (await identity.users.get(userId)).teams.map((t) => t.team_id),
    registry: metrics.registry,
  });
  await deps.followSecrets?.({
    oidcClientSecret: identity.setOidcClientSecret,
    backendApiKey: gateway.setBackendApiKey,
  });
  // The web UI's files and navigations need no principal: authenticating them would only let a
  // page's asset request clear an expired session's cookie before the UI's next API call can report
  // SESSION_EXPIRED.
  app.use((req, res, next) => (isServerPath(req.path) ? identity.authenticate(req, res, next) : next()));

  const platform = routes.router();
  platform.get('/api/v1/version', 'public', (_req, res) => {
    res.json({ name: 'ai-la', version: BUILD.version, code_ref: evidence.codeRef });
  });
  const evidenceRoutes = routes.router();
  evidence.declarePublicRoutes(evidenceRoutes);
  evidence.declareReceiptRoutes(evidenceRoutes, readScopeOf('receipts:read'));
  evidence.declareAuditRoutes(evidenceRoutes, readScopeOf('audit:read'));
  const lean = new LeanRoutes({
    log,
    metrics,
    health,
    security,
    jsonBodyLimit: config.server.jsonBodyLimit,
  });
  evidence.declareLeanRoutes(lean);
  gateway.declareLeanRoutes(lean, leanGatewayGuard(identity.authorizeApiKey));
  const dataRoutes = routes.router();
  content.declareRoutes(dataRoutes);
  retention.declareRoutes(dataRoutes);

  const complianceRoutes = routes.router();
  compliance.declareRoutes(complianceRoutes);

  // The OpenAI-compatible API first: its paths (/v1/...) overlap no other router, and the busiest
  // requests then skip matching against every identity and evidence route.
  app.use(routes.recordRouter('', 'gateway:use', gateway.router, { enforcedByRoutes: true }));
  app.use(
    platform.router,
    identity.router,
    evidenceRoutes.router,
    dataRoutes.router,
    assistant.router,
    complianceRoutes.router,
  );
  app.use(routes.recordRouter('/api/v1/admin/backends', 'backends:manage', gateway.adminRouter));
  app.use(routes.recordRouter('/api/v1/admin/models', 'backends:manage', gateway.modelsRouter));
  app.use(routes.recordRouter('/api/v1/admin/quotas', 'users:manage', gateway.quotaRouter));
  app.use(routes.recordRouter('/api/v1/user/usage', 'usage:own', gateway.usage.router));
  app.use(routes.recordRouter('/api/v1/admin/usage', 'users:manage', gateway.usage.adminRouter));

  deps.extend?.(app);
  app.use(createWebModule({ distDir: defaultDistDir(), log }).router);
  app.use(notFoundHandler);
  app.use(errorHandler);
  evidence.start();
  retention.start();
  compliance.start();
  return {
    app,
    lean,
    close: async () => {
      await compliance.stop();
      await retention.stop();
      await gateway.close();
      await identity.close();
      await evidence.stop();
    },
  };
}
