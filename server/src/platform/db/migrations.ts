import { readdir } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Knex } from 'knex';

/**
 * Migrations live in server/migrations. This file sits at src/platform/db (tsx in development and
 * tests) or dist/src/platform/db (built), and the migrations at ../../../migrations from either.
 */
export const MIGRATIONS_DIR = fileURLToPath(new URL('../../../migrations/', import.meta.url));

const MIGRATION_FILE = /^\d{14}_[a-z0-9_]+\.(ts|js)$/;

interface MigrationModule {
  up(knex: Knex): Promise<void>;
  down(knex: Knex): Promise<void>;
  /** `{ transaction: false }` for statements PostgreSQL refuses in a transaction (CREATE INDEX CONCURRENTLY). */
  config?: { transaction?: boolean };
}

/** Reads migrations from the directory, by name without extension (so .ts and built .js agree). */
class DirectoryMigrationSource implements Knex.MigrationSource<string> {
  constructor(private readonly dir: string) {}

  async getMigrations(): Promise<string[]> {
    const files = (await readdir(this.dir)).filter((f) => MIGRATION_FILE.test(f) && !f.endsWith('.d.ts'));
    return files.sort();
  }

  getMigrationName(file: string): string {
    return file.replace(/\.(ts|js)$/, '');
  }

  async getMigration(file: string): Promise<Knex.Migration> {
    const mod = (await import(pathToFileURL(`${this.dir}/${file}`).href)) as MigrationModule;
    return { up: mod.up, down: mod.down, ...(mod.config ? { config: mod.config } : {}) };
  }
}

const options = (): Knex.MigratorConfig => ({
  migrationSource: new DirectoryMigrationSource(MIGRATIONS_DIR),
  tableName: 'knex_migrations',
});

export interface MigrationStatus {
  applied: string[];
  pending: string[];
}

/** Which migrations have run and which are pending. */
export async function migrationStatus(db: Knex): Promise<MigrationStatus> {
  // With a custom source, knex returns pending migrations as that source listed them (file names).
  const [completed, pending] = (await db.migrate.list(options())) as [Array<{ name: string }>, string[]];
  const source = new DirectoryMigrationSource(MIGRATIONS_DIR);
  return {
    applied: completed.map((m) => m.name),
    pending: pending.map((file) => source.getMigrationName(file)),
  };
}

/** Runs every pending migration (knex holds a lock so concurrent replicas run them once). */
export async function migrateUp(db: Knex): Promise<string[]> {
  const [, names] = (await db.migrate.latest(options())) as [number, string[]];
  return names;
}

/** Reverts the last batch of migrations. */
export async function migrateDown(db: Knex): Promise<string[]> {
  const [, names] = (await db.migrate.rollback(options())) as [number, string[]];
  return names;
}
