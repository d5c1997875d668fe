import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { AuditService } from '../audit/index.js';
import { type Config, loadProcessConfig, type Runtime } from '../config/index.js';
import { createVaultResolvers, openDynamicDatabase, type VaultReferenceResolver } from '../secrets/index.js';

export interface LoadedConfig {
  config: Config;
  runtime: Runtime;
  /** The logged-in Vault resolver when `secrets.vault` is configured; the caller closes it. */
  vault?: VaultReferenceResolver;
  /** Configuration keys read from `AILA_*_FILE` files, by key path (followed for rotations). */
  secretFiles: Map<string, string>;
}

/**
 * Loads the configuration with `vault:` references resolved through Vault (when configured), for
 * every command that reads the configuration. Throws like `loadProcessConfig`.
 */
export async function loadConfigWithVault(): Promise<LoadedConfig> {
  let vault: VaultReferenceResolver | undefined;
  try {
    const { config, runtime, secretFiles } = await loadProcessConfig(async (raw) => {
      const resolvers = await createVaultResolvers(raw);
      vault = resolvers[0];
      return resolvers;
    });
    return { config, runtime, secretFiles, ...(vault ? { vault } : {}) };
  } catch (err) {
    vault?.vault.close();
    throw err;
  }
}

/**
 * Opens the database a command works on: with dynamic credentials from Vault when they are
 * configured (like the server), else the configured or embedded database.
 */
export async function openCommandDatabase(
  loaded: LoadedConfig,
  log: Logger,
): Promise<{ db: Knex; close(): Promise<void> }> {
  const { config, runtime, vault } = loaded;
  if (config.secrets.database && vault) return openDynamicDatabase(config, vault.vault, log);
  const { openDatabase } = await import('../platform/db/database.js');
  return openDatabase(config.database, runtime, log);
}

/**
 * The audit trail a command records its changes in, in the same transaction: events go to the audit
 * log's queue, which the running appliance's sequencer integrates. Loaded on use, so commands that
 * record nothing do not load the audit and evidence modules.
 */
export async function commandAudit(db: Knex, config: Config): Promise<AuditService> {
  const [{ createAuditModule }, { createAuditLogAppender }] = await Promise.all([
    import('../audit/index.js'),
    import('../evidence/index.js'),
  ]);
  const hmac = config.audit.hmacKey ? { hmacKey: config.audit.hmacKey } : {};
  return (await createAuditModule({ db, ...hmac, appender: createAuditLogAppender() })).service;
}
