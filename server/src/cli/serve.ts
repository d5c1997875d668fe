import type { Logger } from 'pino';
import type { Config, Runtime } from '../config/index.js';
import { createLogger } from '../platform/logger.js';
import { exitOnSignals } from '../platform/signals.js';
import { startTracing } from '../telemetry/tracing.js';
import { fail } from './fail.js';
import { loadConfigWithVault } from './load-config.js';

/** What `aila dev` adds around the appliance: companion processes and an adjusted configuration. */
export interface Companions {
  config: Config;
  /** Printed once the appliance listens. */
  banner(url: string): string;
  stop(): Promise<void>;
}

export interface ServeOptions {
  /** Starts companions before the appliance and may adjust its configuration (used by `aila dev`). */
  prepare?: (config: Config, runtime: Runtime, log: Logger) => Promise<Companions>;
}

/**
 * `aila serve`: configuration, then tracing, then (imported only now, so instrumentation can patch
 * them) the server modules; drains on SIGTERM/SIGINT and exits 0, or 1 if a second signal arrives.
 */
export async function serve(options: ServeOptions = {}): Promise<void> {
  const loaded = await loadConfigWithVault().catch(fail);
  const { runtime, vault, secretFiles } = loaded;
  let { config } = loaded;
  const log = createLogger({ level: config.log.level, redact: config.log.redact });
  let companions: Companions | undefined;
  if (options.prepare) {
    companions = await options.prepare(config, runtime, log).catch(fail);
    config = companions.config;
  }
  const stopTracing = startTracing(config.telemetry);
  const { startAppliance } = await import('../main.js');
  let appliance: Awaited<ReturnType<typeof startAppliance>>;
  try {
    appliance = await startAppliance(config, runtime, log, { secretFiles, ...(vault ? { vault } : {}) });
  } catch (err) {
    log.fatal({ err }, 'startup failed');
    log.flush();
    await companions?.stop();
    fail(err);
  }
  if (companions) process.stdout.write(companions.banner(appliance.url));
  exitOnSignals(log, async (signal) => {
    await appliance.shutdown(signal);
    await companions?.stop();
    await stopTracing();
  });
}
