import type { Logger } from 'pino';
import type { SecretReferenceResolver } from '../config/index.js';
import { parseSecretsConfig } from './config-schema.js';
import { KvSecrets } from './kv-secrets.js';
import type { ReadText } from './vault-auth.js';
import { VaultClient } from './vault-client.js';

/**
 * Every `vault:` reference in a raw configuration, by the dotted key path it sits at
 * (e.g. `auth.oidc.connections.0.clientSecret` → `vault:secret/ai-la/oidc#client-secret`).
 */
export function findVaultReferences(node: unknown, path: string[] = []): Map<string, string> {
  const found = new Map<string, string>();
  if (typeof node === 'string') {
    if (node.startsWith('vault:')) found.set(path.join('.'), node);
  } else if (node !== null && typeof node === 'object') {
    for (const [key, child] of Object.entries(node)) {
      for (const [p, ref] of findVaultReferences(child, [...path, key])) found.set(p, ref);
    }
  }
  return found;
}

/**
 * The `vault` secret reference resolver given to the configuration loader. It also carries the
 * logged-in {@link VaultClient}, the {@link KvSecrets} cache and the references found in the
 * configuration, which the rest of the secrets module (watcher, dynamic database credentials,
 * Transit signing, readiness) reuses rather than logging in twice.
 */
export class VaultReferenceResolver implements SecretReferenceResolver {
  readonly scheme = 'vault';

  constructor(
    readonly vault: VaultClient,
    readonly kv: KvSecrets,
    /** Configuration key path → reference, as found before resolution. */
    readonly references: ReadonlyMap<string, string>,
  ) {}

  async resolve(reference: string): Promise<string> {
    return (await this.kv.read(reference)).value;
  }
}

export interface VaultResolverOptions {
  /** Logger used until the configured one exists (a default one at level info). */
  log?: Logger;
  /** Reads the Kubernetes service-account token file (tests inject one). */
  readText?: ReadText;
}

/**
 * The factory passed to `loadConfig({ resolvers })`: validates `secrets` of the raw configuration,
 * logs in to Vault when `secrets.vault` is set (retrying while Vault is unreachable, up to
 * `secrets.vault.bootTimeoutMs`) and returns the `vault:` resolver, or no resolver without Vault.
 * @throws SecretsConfigError for an invalid `secrets` section; VaultLoginError when Vault refuses
 * the login or stays unreachable.
 */
export async function createVaultResolvers(
  raw: Record<string, unknown>,
  options: VaultResolverOptions = {},
): Promise<VaultReferenceResolver[]> {
  const settings = parseSecretsConfig(raw);
  if (!settings.vault) return [];
  const vault = await VaultClient.connect(settings.vault, options);
  return [new VaultReferenceResolver(vault, new KvSecrets(vault), findVaultReferences(raw))];
}
