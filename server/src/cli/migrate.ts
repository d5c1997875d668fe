import { loadProcessConfig } from '../config/index.js';
import { createLogger } from '../platform/logger.js';
import { fail } from './fail.js';

type Action = 'up' | 'down' | 'status';

/** `aila migrate up|down|status` against the configured (or embedded) database. */
export async function migrate(action: Action): Promise<void> {
  let loaded: Awaited<ReturnType<typeof loadProcessConfig>>;
  try {
    loaded = await loadProcessConfig();
  } catch (err) {
    fail(err);
  }
  const { config, runtime } = loaded;
  const log = createLogger({ level: config.log.level === 'info' ? 'warn' : config.log.level });
  const { openDatabase } = await import('../platform/db/database.js');
  const { migrateDown, migrateUp, migrationStatus } = await import('../platform/db/migrations.js');
  const database = await openDatabase(config.database, runtime, log).catch(fail);
  try {
    if (action === 'status') {
      const { applied, pending } = await migrationStatus(database.db);
      for (const name of applied) process.stdout.write(`applied  ${name}\n`);
      for (const name of pending) process.stdout.write(`pending  ${name}\n`);
      process.stdout.write(`${applied.length} applied, ${pending.length} pending\n`);
    } else {
      const names = action === 'up' ? await migrateUp(database.db) : await migrateDown(database.db);
      const verb = action === 'up' ? 'applied' : 'reverted';
      for (const name of names) process.stdout.write(`${verb}  ${name}\n`);
      process.stdout.write(names.length === 0 ? 'nothing to do\n' : `${names.length} ${verb}\n`);
    }
  } catch (err) {
    await database.close();
    fail(err);
  }
  await database.close();
}
