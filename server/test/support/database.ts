import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Knex } from 'knex';
import pg from 'pg';
import { pino } from 'pino';
import type { Config } from '../../src/config/index.js';
import { startEmbeddedPostgres } from '../../src/platform/db/embedded.js';
import { createDb } from '../../src/platform/db/knex.js';
import { migrateUp } from '../../src/platform/db/migrations.js';

/** The database settings of a test's own query builder: a small pool, no TLS, no migrations at start. */
export const testDatabaseConfig = (poolMax: number, statementTimeoutMs = 0): Config['database'] => ({
  pool: { min: 0, max: poolMax },
  ssl: { enabled: false, rejectUnauthorized: true },
  statementTimeoutMs,
  migrateOnStart: false,
  embedded: { dataDir: '', port: 0 },
});

/** A database created for one test file, dropped by `drop()`. */
export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

let adminUrl: Promise<string> | undefined;
/** Set when this process started its own embedded server; stopped when its last database is dropped. */
let ownServer: { stop(): Promise<void> } | undefined;
let liveDatabases = 0;

const freePort = () =>
  new Promise<number>((ok) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => ok(port));
    });
  });

/**
 * The server tests create their databases on: DATABASE_URL (set by the test runner or CI), or an
 * embedded PostgreSQL started for this process when a test file runs on its own.
 */
function serverUrl(): Promise<string> {
  adminUrl ??= (async () => {
    const fromEnv = process.env.DATABASE_URL;
    if (fromEnv) return fromEnv;
    const dir = mkdtempSync(join(tmpdir(), 'aila-pg-'));
    const embedded = await startEmbeddedPostgres({
      dataDir: join(dir, 'data'),
      port: await freePort(),
      log: pino({ level: 'warn' }),
      persistent: false,
      production: false,
    });
    ownServer = embedded;
    return embedded.url;
  })();
  return adminUrl;
}

/** Creates a fresh, empty database so test files never share state. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const base = new URL(await serverUrl());
  const name = `aila_test_${randomUUID().replaceAll('-', '')}`;
  const admin = new pg.Client({ connectionString: base.href });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  liveDatabases++;
  const url = new URL(base.href);
  url.pathname = `/${name}`;
  return {
    url: url.href,
    drop: async () => {
      const client = new pg.Client({ connectionString: base.href });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
      if (--liveDatabases === 0 && ownServer) {
        const server = ownServer;
        ownServer = undefined;
        adminUrl = undefined;
        await server.stop();
      }
    },
  };
}

/** A fresh database with every migration applied and a query builder on it; `close()` drops both. */
export async function openMigratedTestDb(poolMax: number): Promise<{ db: Knex; close(): Promise<void> }> {
  const database = await createTestDatabase();
  const db = createDb(testDatabaseConfig(poolMax), database.url);
  try {
    await migrateUp(db);
  } catch (err) {
    await db.destroy();
    await database.drop();
    throw err;
  }
  return {
    db,
    close: async () => {
      await db.destroy();
      await database.drop();
    },
  };
}
