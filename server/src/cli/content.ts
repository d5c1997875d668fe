import { createContentModule } from '../content/index.js';
import { ensureMigrated } from '../platform/db/database.js';
import { createLogger } from '../platform/logger.js';
import { fail } from './fail.js';
import { commandAudit, loadConfigWithVault, openCommandDatabase } from './load-config.js';

/**
 * `aila content rewrap`: after a key-encryption key rotation (the new key in
 * content.keyEncryptionKey, the old one in content.previousKeyEncryptionKeys), re-wraps every live
 * content key under the new key, so the old one can be retired. Safe to run while the appliance
 * serves and to run again.
 */
export async function rewrap(): Promise<void> {
  const loaded = await loadConfigWithVault().catch(fail);
  const { config, runtime, vault } = loaded;
  const log = createLogger({ level: config.log.level === 'info' ? 'warn' : config.log.level });
  const database = await openCommandDatabase(loaded, log).catch(fail);
  try {
    await ensureMigrated(database.db, false, log);
    const audit = await commandAudit(database.db, config);
    const content = await createContentModule({
      db: database.db,
      log,
      config: config.content,
      audit,
      production: runtime.production,
      usageRetentionDays: config.gateway.usage.retentionDays,
    });
    const moved = await content.keys.rewrapAll(database.db);
    process.stdout.write(`${moved} content keys re-wrapped under key-encryption key ${content.keys.kekId}\n`);
  } catch (err) {
    await database.close();
    vault?.vault.close();
    fail(err);
  }
  await database.close();
  vault?.vault.close();
}
