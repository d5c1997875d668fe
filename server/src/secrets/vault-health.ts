import { Gauge, type Registry } from 'prom-client';
import type { VaultClient } from './vault-client.js';

/**
 * The readiness check to register as `vault`: the token lookup (`GET auth/token/lookup-self`,
 * https://developer.hashicorp.com/vault/api-docs/auth/token#lookup-a-token-self) succeeds within
 * `timeoutMs` (the request itself is bounded by `secrets.vault.timeoutMs` too).
 */
export function vaultReadinessCheck(
  vault: VaultClient,
  timeoutMs = vault.config.timeoutMs,
): () => Promise<void> {
  return async () => {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        vault.lookupSelf(),
        new Promise((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`vault did not answer within ${timeoutMs} ms`)),
            timeoutMs,
          );
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  };
}

/**
 * Registers `aila_vault_up` on `registry`: 1 when the last call reached Vault, 0 while it is
 * unreachable (cached secrets are then in use). Read at scrape time from the client's status.
 */
export function registerVaultMetrics(registry: Registry, vault: VaultClient): Gauge {
  return new Gauge({
    name: 'aila_vault_up',
    help: 'Whether Vault answered the last request (1) or could not be reached (0).',
    registers: [registry],
    collect() {
      this.set(vault.up ? 1 : 0);
    },
  });
}
