import knexFactory, { type Knex } from 'knex';
import pg from 'pg';
import type { Config } from '../../config/index.js';

// BIGINT (int8) and NUMERIC come back as strings by default; counters here fit in a JS number
// only up to 2^53, so int8 stays a string and callers convert where they know the range.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => v);

export type Db = Knex | Knex.Transaction;

/** Creates the knex instance (connection pool) for the configured or embedded database URL. */
export function createDb(config: Config['database'], url: string): Knex {
  const { ssl } = config;
  return knexFactory({
    client: 'pg',
    connection: {
      connectionString: url,
      ...(ssl.enabled
        ? { ssl: { rejectUnauthorized: ssl.rejectUnauthorized, ...(ssl.ca ? { ca: ssl.ca } : {}) } }
        : {}),
      application_name: 'ai-la',
      ...(config.statementTimeoutMs > 0 ? { statement_timeout: config.statementTimeoutMs } : {}),
    },
    pool: { min: config.pool.min, max: config.pool.max },
    acquireConnectionTimeout: 10000,
  });
}

/** True when the database answers a trivial query within `timeoutMs`. */
export async function pingDb(db: Knex, timeoutMs = 2000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      db.raw('select 1'),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
