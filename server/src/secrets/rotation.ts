/**
 * Secrets that rotate while the appliance runs and are taken without a restart: OIDC client
 * secrets and backend API keys, whether given as `vault:` references (re-read by the
 * {@link SecretWatcher}) or as `AILA_*_FILE` files rendered by the Vault Agent Injector or the
 * Secrets Store CSI driver (followed by the {@link FileSecretWatcher}). Other secrets are read at
 * start-up and take a new value at the next (rolling) restart.
 */
import type { Logger } from 'pino';
import type { Config } from '../config/index.js';
import type { FileSecretWatcher } from './file-secret-watcher.js';
import type { SecretWatcher } from './secret-watcher.js';

/** Where a rotated value goes; each returns false when the name is unknown or the value unchanged. */
export interface RotationTargets {
  oidcClientSecret(connection: string, secret: string): boolean;
  backendApiKey(backend: string, apiKey: string): boolean;
}

export interface SecretRotationDeps {
  config: Config;
  targets: RotationTargets;
  log: Logger;
  /** Re-reads `vault:` references (absent without Vault). */
  watcher?: SecretWatcher | undefined;
  /** Configuration key path → `vault:` reference it was resolved from. */
  references?: ReadonlyMap<string, string> | undefined;
  files: FileSecretWatcher;
  /** Configuration key path → the `AILA_*_FILE` file it was read from. */
  secretFiles?: ReadonlyMap<string, string> | undefined;
}

type Apply = (value: string) => string[];

/** What one configuration key path feeds, or undefined when it is not followed. */
function applierOf(path: string, { config, targets }: SecretRotationDeps): Apply | undefined {
  const named = (names: readonly { name: string }[], index: string | undefined) => names[Number(index)]?.name;
  let m = /^auth\.oidc\.connections\.(\d+)\.clientSecret$/.exec(path);
  if (m) {
    const name = named(config.auth.oidc.connections, m[1]);
    return (value) => (name && targets.oidcClientSecret(name, value) ? [`oidc:${name}`] : []);
  }
  m = /^gateway\.backends\.(\d+)\.apiKey$/.exec(path);
  if (m) {
    const name = named(config.gateway.backends, m[1]);
    return (value) => (name && targets.backendApiKey(name, value) ? [`backend:${name}`] : []);
  }
  // A whole list in one file (e.g. AILA_GATEWAY_BACKENDS_FILE): the entries' secrets, by name.
  const list = (field: string, apply: (name: string, secret: string) => boolean, kind: string): Apply => {
    return (value) => {
      const entries = JSON.parse(value) as unknown;
      if (!Array.isArray(entries)) throw new Error(`${path}: the file no longer holds a JSON array`);
      return entries.flatMap((entry: Record<string, unknown>) => {
        const name = entry?.name;
        const secret = entry?.[field];
        if (typeof name !== 'string' || typeof secret !== 'string' || secret.startsWith('vault:')) return [];
        return apply(name, secret) ? [`${kind}:${name}`] : [];
      });
    };
  };
  if (path === 'auth.oidc.connections')
    return list('clientSecret', (n, s) => targets.oidcClientSecret(n, s), 'oidc');
  if (path === 'gateway.backends') return list('apiKey', (n, s) => targets.backendApiKey(n, s), 'backend');
  return undefined;
}

/**
 * Subscribes every followed key to its source. A new value is applied and logged (which key, never
 * the value); one that cannot be applied is logged and the previous value stays in use.
 */
export async function followSecretRotation(deps: SecretRotationDeps): Promise<void> {
  const { log } = deps;
  const onValue = (path: string, apply: Apply) => (value: string) => {
    try {
      const rotated = apply(value);
      if (rotated.length > 0) log.info({ key: path, rotated }, 'rotated secret in use');
    } catch (err) {
      log.warn(
        { key: path, err: (err as Error).message },
        'rotated secret not applied; keeping the last value',
      );
    }
  };
  for (const [path, reference] of deps.references ?? []) {
    const apply = applierOf(path, deps);
    if (apply && deps.watcher) deps.watcher.subscribe(reference, onValue(path, apply));
  }
  for (const [path, file] of deps.secretFiles ?? []) {
    const apply = applierOf(path, deps);
    if (apply) await deps.files.watch(file, onValue(path, apply));
  }
}
