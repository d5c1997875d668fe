import type { VaultClient } from './vault-client.js';
import { VaultError } from './vault-raw.js';

/** A parsed `vault:<mount>/<path>#<key>[@version]` reference. */
export interface SecretReference {
  /** The KV v2 mount: the first path segment (e.g. `secret`). */
  mount: string;
  /** The secret's path below the mount (e.g. `ai-la/oidc`). */
  path: string;
  /** The key inside the secret's data (e.g. `client-secret`). */
  key: string;
  /** A pinned version; absent means the current one (which may rotate). */
  version?: number;
}

const REFERENCE = /^vault:([^/#@]+)\/([^#]+)#([^#]+?)(?:@([1-9][0-9]*))?$/;

/** Parses a reference; throws an Error naming the expected form. */
export function parseReference(reference: string): SecretReference {
  const m = REFERENCE.exec(reference);
  const path = m?.[2]?.replace(/^\/+|\/+$/g, '');
  if (!m || !path) {
    throw new Error(`malformed reference ${reference}: expected vault:<mount>/<path>#<key>[@version]`);
  }
  return { mount: m[1] as string, path, key: m[3] as string, ...(m[4] ? { version: Number(m[4]) } : {}) };
}

/** The value of one secret key, with the KV version it was read from. */
export interface SecretValue {
  value: string;
  version: number;
}

const encodePath = (path: string) => path.split('/').map(encodeURIComponent).join('/');

/**
 * Reads `vault:` references from KV v2 (`GET /v1/<mount>/data/<path>?version=N`, value at
 * `data.data[key]`: https://developer.hashicorp.com/vault/api-docs/secret/kv/kv-v2#read-secret-version)
 * and keeps the last value of each, so a Vault outage does not take secrets away from a running
 * process: while Vault is unreachable the cached value is served.
 */
export class KvSecrets {
  private readonly cache = new Map<string, SecretValue>();
  private readonly inFlight = new Map<string, Promise<{ data: Record<string, unknown>; version: number }>>();

  constructor(private readonly vault: VaultClient) {}

  /** The last value read for `reference`, if any. */
  cached(reference: string): SecretValue | undefined {
    return this.cache.get(reference);
  }

  /**
   * Reads the reference from Vault. When Vault is unreachable and the reference was read before,
   * the cached value is returned (and a warning logged); otherwise the error is thrown.
   */
  async read(reference: string): Promise<SecretValue> {
    const ref = parseReference(reference);
    try {
      const { data, version } = await this.readSecret(ref);
      if (!(ref.key in data)) throw new Error(`${ref.mount}/${ref.path} has no key "${ref.key}"`);
      const raw = data[ref.key];
      // KV values are JSON; the configuration wants strings, so non-strings arrive as JSON text.
      const value = typeof raw === 'string' ? raw : JSON.stringify(raw);
      const result = { value, version };
      this.cache.set(reference, result);
      return result;
    } catch (err) {
      const cached = this.cache.get(reference);
      if (cached && err instanceof VaultError && err.unavailable) {
        this.vault.logger.warn(
          { reference, err: err.message },
          'vault unreachable; serving the cached secret',
        );
        return cached;
      }
      throw err;
    }
  }

  /** One request per secret and version at a time, however many keys of it are being read. */
  private readSecret(ref: SecretReference): Promise<{ data: Record<string, unknown>; version: number }> {
    const query = ref.version ? `?version=${ref.version}` : '';
    const path = `${ref.mount}/data/${encodePath(ref.path)}${query}`;
    let pending = this.inFlight.get(path);
    if (!pending) {
      pending = (async () => {
        try {
          const response = await this.vault.read(path);
          const data = response.data?.data;
          const metadata = response.data?.metadata as { version?: unknown } | undefined;
          if (data === null || typeof data !== 'object') {
            throw new Error(`${ref.mount}/${ref.path} is not a KV v2 secret (no data.data)`);
          }
          return {
            data: data as Record<string, unknown>,
            version: typeof metadata?.version === 'number' ? metadata.version : 0,
          };
        } catch (err) {
          if (err instanceof VaultError && err.status === 404) {
            const which = ref.version ? `version ${ref.version} of ` : '';
            throw new Error(`no ${which}secret at ${ref.mount}/${ref.path} (KV v2 path ${path})`);
          }
          throw err;
        } finally {
          this.inFlight.delete(path);
        }
      })();
      this.inFlight.set(path, pending);
    }
    return pending;
  }
}
