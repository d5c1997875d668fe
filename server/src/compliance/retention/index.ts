/**
 * Retention and legal hold: the daily retention job, legal holds that suspend it, and
 * crypto-shredding of a user's or team's retained content. app.ts wires it after the content module.
 */
import type { Logger } from 'pino';
import type { AuditService } from '../../audit/index.js';
import type { ContentService } from '../../content/index.js';
import type { DeclaredRouter } from '../../identity/index.js';
import type { Db } from '../../platform/db/knex.js';
import type { RetentionConfig } from './config-schema.js';
import { type PurgeHook, RetentionJob } from './job.js';
import { type Held, heldSubjects } from './repository.js';
import { declareRetentionRoutes } from './routes.js';
import { createRetentionService, type RetentionService } from './service.js';

export { RetentionConfig } from './config-schema.js';
export type { PurgeHook } from './job.js';
export type { Held };

export interface RetentionModuleDeps {
  db: Db;
  log: Logger;
  audit: AuditService;
  content: ContentService;
  config: RetentionConfig;
}

export interface RetentionModule {
  service: RetentionService;
  job: RetentionJob;
  /** Lets a module that keeps sealed content of its own have it purged on the content schedule. */
  register(hook: PurgeHook): void;
  /** The users and teams under an active legal hold now (read in `db`, e.g. the caller's transaction). */
  held(db: Db): Promise<Held>;
  declareRoutes(r: DeclaredRouter): void;
  start(): void;
  stop(): Promise<void>;
}

export function createRetentionModule(deps: RetentionModuleDeps): RetentionModule {
  const log = deps.log.child({ module: 'retention' });
  const job = new RetentionJob({
    db: deps.db,
    log,
    audit: deps.audit,
    config: deps.config,
    settings: async () => (await deps.content.settings()).retention,
  });
  const service = createRetentionService({ db: deps.db, audit: deps.audit, content: deps.content });
  return {
    service,
    job,
    register: (hook) => job.register(hook),
    held: (db) => heldSubjects(db),
    declareRoutes: (r) => declareRetentionRoutes(r, { db: deps.db, service, job }),
    start: () => job.start(),
    stop: () => job.stop(),
  };
}
