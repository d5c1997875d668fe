import type { Request, RequestHandler, Router } from 'express';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { AuditService } from '../audit/index.js';
import type { Health } from '../platform/health.js';
import type { LeanRoutes } from '../platform/http/lean-routes.js';
import type { Metrics } from '../telemetry/metrics.js';
import { createUsageModule, type UsageModule } from '../usage/index.js';
import { type DnsResolver, systemResolver } from './backends/discovery.js';
import { BackendManager } from './backends/manager.js';
import type { GatewayConfig } from './config-schema.js';
import type { InferenceContext } from './inference.js';
import { InternalGateway } from './internal.js';
import { declareLeanInference, type LeanGuard } from './lean.js';
import { quotaAdminRouter } from './limits/admin-router.js';
import { type Caller, Limiter } from './limits/limiter.js';
import { QuotaService } from './limits/quota-service.js';
import { GatewayMetrics } from './metrics.js';
import { modelCatalog } from './model-catalog.js';
import type { ContentStore, OperationRecorder } from './operation.js';
import { backendsAdminRouter, gatewayRouter, modelsAdminRouter } from './router.js';
import { GatewayService } from './service.js';

export type { BackendView } from './backends/backend.js';
export type { DnsResolver } from './backends/discovery.js';
export { BackendConfig, GatewayConfig, UsageConfig } from './config-schema.js';
export type { InternalGateway, InternalRequest, InternalResult } from './internal.js';
export type { LeanGuard } from './lean.js';
export type { Caller } from './limits/limiter.js';
export type { QuotaService } from './limits/quota-service.js';
export type { CatalogModel } from './model-catalog.js';
export {
  type AssistantOp,
  type CompletedOperation,
  type ContentPart,
  type ContentStore,
  type GatewayOp,
  jsonOutputBytes,
  type OperationRecorder,
  type OperationStatus,
  OutputHasher,
  receiptEvent,
  sha256,
} from './operation.js';
export type { GatewayService, ModelEntry } from './service.js';

export interface GatewayDeps {
  db: Knex;
  log: Logger;
  config: GatewayConfig;
  metrics: Metrics;
  health: Health;
  /** Authentication and the 'gateway:use' authorisation, run before every /v1 route. */
  guard: RequestHandler[];
  /** Who is calling (after `guard`). */
  caller: (req: Request) => Caller;
  /** Signs and stores a receipt per operation; without it no receipt is added. */
  evidence?: OperationRecorder | undefined;
  /** Content retention (the content module): with mode `full`, each call's content is stored. */
  content?: ContentStore | undefined;
  /** Records backend and quota changes in the audit trail (same transaction as the change). */
  audit?: AuditService | undefined;
  /** The usage module; created from `config.usage` (and closed with the gateway) when absent. */
  usage?: UsageModule | undefined;
  /** DNS resolver for discovery (tests); default: the system resolver. */
  dnsResolver?: DnsResolver | undefined;
  /** Time source of the circuit breakers (tests); default Date.now. */
  clock?: (() => number) | undefined;
}

export interface GatewayModule {
  /** `/v1/chat/completions`, `/v1/completions`, `/v1/embeddings`, `/v1/models`: mount at the root. */
  router: Router;
  /**
   * Also serves `/v1/chat/completions`, `/v1/completions` and `/v1/embeddings` on the lean path for
   * the requests `guard` accepts (the others still reach `router`).
   */
  declareLeanRoutes(lean: LeanRoutes, guard: LeanGuard): void;
  /** Backends admin API: mount under `/api/v1/admin/backends` behind backends:manage. */
  adminRouter: Router;
  /** Models admin API: mount under `/api/v1/admin/models` behind backends:manage. */
  modelsRouter: Router;
  /** Quota plans and assignments admin API: mount (e.g. `/api/v1/admin/quotas`) behind users:manage. */
  quotaRouter: Router;
  /** The usage module (its `router` for `/api/v1/user/usage`, `adminRouter` for admin queries). */
  usage: UsageModule;
  service: GatewayService;
  quotas: QuotaService;
  /** In-process chat completions for the assistant module (no receipt of their own). */
  internal: InternalGateway;
  /** Uses a rotated API key for configured backend `name`; false when unknown or unchanged. */
  setBackendApiKey(name: string, apiKey: string): boolean;
  /** Stops timers, gives unused rate-limit reservations back, writes queued usage, closes pools. */
  close(): Promise<void>;
}

/**
 * Creates the gateway: discovers and health-checks the backends (the first round is awaited),
 * registers the "gateway" readiness check and the gateway metrics, and builds the routers.
 */
export async function createGatewayModule(deps: GatewayDeps): Promise<GatewayModule> {
  const log = deps.log.child({ module: 'gateway' });
  const { config } = deps;
  const metrics = new GatewayMetrics(deps.metrics.registry);
  const ownsUsage = deps.usage === undefined;
  const usage =
    deps.usage ??
    createUsageModule({ db: deps.db, log: deps.log, config: config.usage, caller: deps.caller });
  const manager = new BackendManager({
    db: deps.db,
    log,
    config,
    metrics,
    resolver: deps.dnsResolver ?? systemResolver(),
    audit: deps.audit,
    clock: deps.clock,
  });
  const limiter = new Limiter(deps.db, log, config.limits);
  const quotas = new QuotaService(deps.db, () => limiter.invalidate(), deps.audit);
  const service = new GatewayService(config, manager, limiter);
  try {
    await manager.start();
  } catch (err) {
    manager.close();
    if (ownsUsage) await usage.close();
    throw err;
  }
  deps.health.register('gateway', async () => {
    if (manager.registry.configured && !service.hasRoutableBackend()) {
      throw new Error('no model backend replica is healthy');
    }
  });

  let closed = false;
  const maintenanceMs = Math.min(60_000, Math.floor(config.limits.streamLeaseTtlMs / 3));
  const maintain = (): NodeJS.Timeout =>
    setTimeout(async () => {
      try {
        await limiter.maintain();
      } catch (err) {
        log.warn({ err }, 'rate-limit housekeeping failed');
      }
      if (!closed) timer = maintain();
    }, maintenanceMs).unref();
  let timer = maintain();

  const ctx: InferenceContext = {
    config,
    metrics,
    registry: manager.registry,
    limiter,
    callDeps: {
      log,
      metrics,
      usage: usage.recorder,
      evidence: deps.evidence,
      retention: deps.content ? { content: deps.content, db: deps.db } : undefined,
    },
    caller: deps.caller,
  };
  return {
    router: gatewayRouter(ctx, service, deps.guard),
    declareLeanRoutes: (lean, guard) => declareLeanInference(lean, ctx, guard),
    adminRouter: backendsAdminRouter(service, deps.caller),
    modelsRouter: modelsAdminRouter(() =>
      modelCatalog({ db: deps.db, config, backends: service.backends(), usage }),
    ),
    quotaRouter: quotaAdminRouter(quotas, deps.caller),
    usage,
    service,
    quotas,
    internal: new InternalGateway(ctx),
    setBackendApiKey: (name, apiKey) => manager.registry.setApiKey(name, apiKey),
    close: async () => {
      if (closed) return;
      closed = true;
      clearTimeout(timer);
      await limiter.close();
      if (ownsUsage) await usage.close();
      manager.close();
    },
  };
}
