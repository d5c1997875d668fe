import { Writable } from 'node:stream';
import type { Logger } from 'pino';
import { loadConfig } from '../../src/config/index.js';
import { type Appliance, startAppliance } from '../../src/main.js';
import { createLogger } from '../../src/platform/logger.js';
import { createTestDatabase, type TestDatabase } from './database.js';

/** A running appliance on a fresh database, with everything it logged kept for assertions. */
export interface TestAppliance extends Appliance {
  database: TestDatabase;
  /** Parsed log lines written so far. */
  logs: Array<Record<string, unknown>>;
  stop(): Promise<void>;
}

/** Collects pino's JSON lines in memory. */
function memoryDestination(lines: Array<Record<string, unknown>>): Writable {
  return new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line) lines.push(JSON.parse(line));
      done();
    },
  });
}

/**
 * Starts the real appliance (createApp over real HTTP) against a new database. `env` adds
 * configuration overrides in their `AILA_*` form, exactly as an operator would set them.
 */
export async function startTestAppliance(
  env: Record<string, string> = {},
  options: { log?: Logger; database?: TestDatabase } = {},
): Promise<TestAppliance> {
  // A second replica shares the first one's database (which it then leaves to the first to drop).
  const database = options.database ?? (await createTestDatabase());
  const config = await loadConfig({
    env: {
      AILA_DATABASE_URL: database.url,
      AILA_DATABASE_MIGRATE_ON_START: 'true',
      AILA_SERVER_HOST: '127.0.0.1',
      AILA_SERVER_PORT: '0',
      AILA_METRICS_HOST: '127.0.0.1',
      AILA_METRICS_PORT: '0',
      AILA_SERVER_SHUTDOWN_TIMEOUT_MS: '5000',
      ...env,
    },
  });
  const logs: Array<Record<string, unknown>> = [];
  const log = options.log ?? createLogger({ level: 'debug', destination: memoryDestination(logs) });
  const appliance = await startAppliance(config, { production: false }, log);
  let stopped = false;
  return {
    ...appliance,
    database,
    logs,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await appliance.shutdown('test finished');
      if (!options.database) await database.drop();
    },
  };
}
