import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { type AppDeps, createApp } from './app.js';
import type { Config, Runtime } from './config/index.js';
import { BUILD } from './platform/build-info.js';
import { ensureMigrated, openDatabase } from './platform/db/database.js';
import { pingDb } from './platform/db/knex.js';
import { Health } from './platform/health.js';
import { HttpServer } from './platform/http/http-server.js';
import {
  createSecretsModule,
  followSecretRotation,
  openDynamicDatabase,
  type SecretsModule,
  type VaultReferenceResolver,
} from './secrets/index.js';
import { Metrics } from './telemetry/metrics.js';

export interface Appliance {
  /** Base URL of the HTTP listener, e.g. http://127.0.0.1:8080. */
  url: string;
  /** Base URL of the metrics listener when enabled. */
  metricsUrl?: string;
  db: Knex;
  http: HttpServer;
  /** Drains in-flight requests (streams included) up to the shutdown timeout, then releases everything. */
  shutdown(reason: string): Promise<boolean>;
}

export interface StartOptions {
  /** The Vault resolver built while the configuration loaded (dynamic database credentials, evidence keys). */
  vault?: VaultReferenceResolver;
  /** Configuration keys read from `AILA_*_FILE` files, by key path (`secretFilesOf`): followed for rotations. */
  secretFiles?: ReadonlyMap<string, string>;
  /** Extra routes (embedding the appliance, tests). */
  extend?: AppDeps['extend'];
}

const urlOf = (address: AddressInfo) =>
  `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;

/**
 * Boots the appliance: database (configured or embedded), migrations check, modules, HTTP and
 * metrics listeners. Telemetry, when configured, was started by the caller before this was imported.
 */
export async function startAppliance(
  config: Config,
  runtime: Runtime,
  log: Logger,
  options: StartOptions = {},
): Promise<Appliance> {
  const { vault, extend, secretFiles } = options;
  const database =
    config.secrets.database && vault
      ? await openDynamicDatabase(config, vault.vault, log)
      : await openDatabase(config.database, runtime, log);
  let metricsServer: Server | undefined;
  let secrets: SecretsModule | undefined;
  let closeModules: (() => Promise<void>) | undefined;
  try {
    await ensureMigrated(database.db, config.database.migrateOnStart, log);
    const health = new Health();
    health.register('database', () => pingDb(database.db));
    const metrics = new Metrics();
    secrets = await createSecretsModule({
      config,
      ...(vault ? { resolver: vault } : {}),
      log,
      registry: metrics.registry,
      health,
    });
    const { files, watcher, evidenceKeys } = secrets;
    const built = await createApp({
      config,
      runtime,
      db: database.db,
      log,
      health,
      metrics,
      ...(evidenceKeys ? { evidenceKeys } : {}),
      followSecrets: (targets) =>
        followSecretRotation({
          config,
          targets,
          log,
          watcher,
          references: vault?.references,
          files,
          secretFiles,
        }),
      ...(extend ? { extend } : {}),
    });
    closeModules = built.close;
    const { app } = built;
    const http = new HttpServer(app, config.server, built.lean);
    const address = await http.listen(config.server.host, config.server.port);
    if (config.metrics.enabled)
      metricsServer = await metrics.listen(config.metrics.host, config.metrics.port);
    const metricsAddress = metricsServer?.address() as AddressInfo | undefined;
    const appliance: Appliance = {
      url: urlOf(address),
      ...(metricsAddress ? { metricsUrl: urlOf(metricsAddress) } : {}),
      db: database.db,
      http,
      shutdown: async (reason) => {
        log.info({ reason, inFlight: http.activeRequests }, 'shutting down: draining');
        health.startDraining();
        const clean = await http.drain(config.server.shutdownTimeoutMs, log);
        await built.close();
        await new Promise<void>((resolve) =>
          metricsServer ? metricsServer.close(() => resolve()) : resolve(),
        );
        await secrets?.close();
        await database.close();
        log.info({ clean }, 'shutdown complete');
        return clean;
      },
    };
    log.info(
      { url: appliance.url, metricsUrl: appliance.metricsUrl, version: BUILD.version },
      'appliance listening',
    );
    return appliance;
  } catch (err) {
    metricsServer?.close();
    await closeModules?.();
    await secrets?.close();
    await database.close();
    throw err;
  }
}
