import type { Request, Router } from 'express';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { UsageConfig } from './config-schema.js';
import { UsageRecorder } from './recorder.js';
import { queryDaily, recentByModel } from './repository.js';
import { adminUsageRouter, ownUsageRouter } from './router.js';
import type { UsageQuery, UsageRow, UsageTotals } from './types.js';

export type { UsageConfig } from './config-schema.js';
export { UsageRecorder } from './recorder.js';
export type { UsageDimension, UsageEvent, UsageQuery, UsageRow, UsageStatus, UsageTotals } from './types.js';

export interface UsageModuleDeps {
  db: Knex;
  log: Logger;
  config: UsageConfig;
  /** Who is calling (for the caller's own usage). */
  caller: (req: Request) => { userId: string };
}

export interface UsageModule {
  /** Where the gateway records each call. */
  recorder: UsageRecorder;
  /** `GET /` for `/api/v1/user/usage` (the caller's own usage; authentication required). */
  router: Router;
  /** `GET /` for `/api/v1/admin/usage` (everyone's usage; the lead mounts it behind an admin permission). */
  adminRouter: Router;
  /** Programmatic queries over the daily rollup. */
  query(q: UsageQuery): Promise<{ rows: UsageRow[]; totals: UsageTotals }>;
  /** Usage per requested model name (model or alias) since a point in time, from the per-call events. */
  recentByModel(since: Date): Promise<Array<UsageTotals & { model: string }>>;
  /** Writes queued events now. */
  flush(): Promise<void>;
  /** Stops the timer and writes what is queued. */
  close(): Promise<void>;
}

/** Creates the usage module: batched, durable recording of AI calls and queries over daily rollups. */
export function createUsageModule(deps: UsageModuleDeps): UsageModule {
  const recorder = new UsageRecorder(deps.db, deps.log.child({ module: 'usage' }), deps.config);
  recorder.start();
  return {
    recorder,
    router: ownUsageRouter(deps.db, deps.caller),
    adminRouter: adminUsageRouter(deps.db),
    query: (q) => queryDaily(deps.db, q),
    recentByModel: (since) => recentByModel(deps.db, since),
    flush: () => recorder.flush(),
    close: () => recorder.close(),
  };
}
