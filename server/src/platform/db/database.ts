import { setTimeout as sleep } from 'node:timers/promises';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { Config, Runtime } from '../../config/index.js';
import { type EmbeddedDatabase, startEmbeddedPostgres } from './embedded.js';
import { createDb, pingDb } from './knex.js';
import { migrateUp, migrationStatus } from './migrations.js';

export interface Database {
  db: Knex;
  /** The embedded cluster when one was started (no database.url outside production). */
  embedded?: EmbeddedDatabase;
  close(): Promise<void>;
}

/** Thrown when the schema is behind the code and the server was not told to migrate. */
export class PendingMigrationsError extends Error {
  constructor(readonly pending: string[]) {
    super(
      `${pending.length} database migration(s) pending (${pending.join(', ')}): run \`aila migrate up\` or set database.migrateOnStart`,
    );
    this.name = 'PendingMigrationsError';
  }
}

/**
 * Connects to the configured PostgreSQL, or starts the embedded one when no URL is configured and
 * this is not production. Waits for the database with backoff (it may start after the appliance).
 */
export async function openDatabase(
  config: Config['database'],
  runtime: Runtime,
  log: Logger,
  waitMs = 60000,
): Promise<Database> {
  let embedded: EmbeddedDatabase | undefined;
  let url = config.url;
  if (!url) {
    if (runtime.production) throw new Error('database.url is required when NODE_ENV=production');
    embedded = await startEmbeddedPostgres({ ...config.embedded, log, production: runtime.production });
    url = embedded.url;
  }
  const db = createDb(config, url);
  const deadline = Date.now() + waitMs;
  for (let delay = 250; ; delay = Math.min(delay * 2, 5000)) {
    try {
      await pingDb(db);
      break;
    } catch (err) {
      if (Date.now() + delay > deadline) {
        await db.destroy();
        await embedded?.stop();
        throw new Error(`database unreachable: ${(err as Error).message}`);
      }
      log.warn({ err: (err as Error).message, retryInMs: delay }, 'database not reachable yet');
      await sleep(delay);
    }
  }
  return {
    db,
    ...(embedded ? { embedded } : {}),
    close: async () => {
      await db.destroy();
      await embedded?.stop();
    },
  };
}

/** Applies pending migrations when allowed; otherwise refuses to continue while any are pending. */
export async function ensureMigrated(db: Knex, migrateOnStart: boolean, log: Logger): Promise<void> {
  if (migrateOnStart) {
    const applied = await migrateUp(db);
    if (applied.length > 0) log.info({ applied }, 'migrations applied');
    return;
  }
  const { pending } = await migrationStatus(db);
  if (pending.length > 0) throw new PendingMigrationsError(pending);
}
