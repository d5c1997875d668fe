import { createLogger } from '../platform/logger.js';
import { fail } from './fail.js';
import { loadConfigWithVault, openCommandDatabase } from './load-config.js';

type Action = 'up' | 'down' | 'status';

/** `aila migrate up|down|status` against the configured (or embedded) database. */
export async function migrate(action: Action): Promise<void> {
  const loaded = await loadConfigWithVault().catch(fail);
  const { config, vault } = loaded;
  const log = createLogger({ level: config.log.level === 'info' ? 'warn' : config.log.level });
  const { migrateDown, migrateUp, migrationStatus } = await import('../platform/db/migrations.js');
  // The migration Job gets dynamic credentials from Vault like the server when they are configured.
  const database = await openCommandDatabase(loaded, log).catch(fail);
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
    vault?.vault.close();
    fail(err);
  }
  await database.close();
  vault?.vault.close();
}
