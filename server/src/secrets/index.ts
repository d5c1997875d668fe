import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { Config } from '../config/index.js';
import type { KeyRole, KeySource } from '../evidence/keys/key-ring.js';
import type { Health } from '../platform/health.js';
import { DynamicDatabase } from './dynamic-database.js';
import { openEvidenceKeySources } from './evidence-keys.js';
import { FileSecretWatcher } from './file-secret-watcher.js';
import { SecretWatcher } from './secret-watcher.js';
import type { VaultClient } from './vault-client.js';
import { registerVaultMetrics, vaultReadinessCheck } from './vault-health.js';
import type { VaultReferenceResolver } from './vault-resolver.js';

export type { DynamicDatabaseConfig, SecretsConfig, VaultConfig } from './config-schema.js';
export { parseSecretsConfig, SecretsConfigError } from './config-schema.js';
export { DynamicDatabase } from './dynamic-database.js';
export { kvKeySource, openEvidenceKeySources, transitKeySource } from './evidence-keys.js';
export { FileSecretWatcher } from './file-secret-watcher.js';
export { KvSecrets, parseReference, type SecretReference } from './kv-secrets.js';
export { followSecretRotation, type RotationTargets, type SecretRotationDeps } from './rotation.js';
export { SecretWatcher } from './secret-watcher.js';
export { type TransitKeyVersion, TransitSigner } from './transit-signer.js';
export { VaultLoginError } from './vault-auth.js';
export { VaultClient } from './vault-client.js';
export { registerVaultMetrics, vaultReadinessCheck } from './vault-health.js';
export { VaultError } from './vault-raw.js';
export { createVaultResolvers, findVaultReferences, VaultReferenceResolver } from './vault-resolver.js';

export interface SecretsModuleDeps {
  config: Config;
  /** The resolver `createVaultResolvers` returned while the configuration loaded (absent without Vault). */
  resolver?: VaultReferenceResolver;
  log: Logger;
  /** The Prometheus registry `aila_vault_up` is registered on. */
  registry: Registry;
  /** Where the `vault` readiness check is registered. */
  health: Health;
}

/** What the secrets module gives the rest of the appliance. */
export interface SecretsModule {
  /** The logged-in Vault client, when Vault is configured. */
  vault?: VaultClient;
  /** Re-reads rotating `vault:` references; subscribe by reference or by configuration key. */
  watcher?: SecretWatcher;
  /** The evidence signing key sources when `evidence.keys.source` is `transit` or `kv`. */
  evidenceKeys?: Record<KeyRole, KeySource>;
  /** Follows secrets rendered to files (Vault Agent Injector, Secrets Store CSI driver). */
  files: FileSecretWatcher;
  /** Stops watching and renewing. */
  close(): Promise<void>;
}

/**
 * Wires the secrets module after the configuration is loaded: switches the Vault client to the
 * configured logger, registers the `vault` readiness check and the `aila_vault_up` metric, starts
 * the {@link SecretWatcher} and opens the evidence signing keys in Vault when `evidence.keys.source`
 * is `transit` or `kv` (the key ring re-reads them every `evidence.keys.refreshMs`, so a rotation in
 * Vault is followed without a restart).
 */
export async function createSecretsModule(deps: SecretsModuleDeps): Promise<SecretsModule> {
  const { config, resolver, log } = deps;
  const files = new FileSecretWatcher({
    onError: (err, path) =>
      log.warn({ path, err: err.message }, 'secret file not readable; keeping the last value'),
  });
  if (!resolver || !config.secrets.vault) {
    return { files, close: async () => files.close() };
  }
  const { vault } = resolver;
  vault.setLogger(log);
  deps.health.register('vault', vaultReadinessCheck(vault));
  registerVaultMetrics(deps.registry, vault);
  const watcher = new SecretWatcher({
    kv: resolver.kv,
    intervalMs: config.secrets.vault.refreshIntervalMs,
    references: resolver.references,
    onError: (err, reference) => log.warn({ reference, err: err.message }, 'secret refresh failed'),
  });
  let evidenceKeys: Record<KeyRole, KeySource> | undefined;
  try {
    evidenceKeys = await openEvidenceKeySources(config.evidence.keys, resolver);
  } catch (err) {
    vault.close();
    throw err;
  }
  watcher.start();
  return {
    vault,
    watcher,
    ...(evidenceKeys ? { evidenceKeys } : {}),
    files,
    close: async () => {
      watcher.stop();
      files.close();
      vault.close();
    },
  };
}

/**
 * Opens PostgreSQL with dynamic credentials (`secrets.database`), with the same shape as
 * `openDatabase`'s result. `database.url` names host, port, database and options; no user.
 */
export async function openDynamicDatabase(
  config: Config,
  vault: VaultClient,
  log: Logger,
): Promise<{ db: Knex; dynamic: DynamicDatabase; close(): Promise<void> }> {
  const settings = config.secrets.database;
  const url = config.database.url;
  if (!settings || !url)
    throw new Error('secrets.database and database.url are required for dynamic credentials');
  const dynamic = await DynamicDatabase.open({ vault, settings, database: config.database, url, log });
  return { db: dynamic.db, dynamic, close: () => dynamic.close() };
}
