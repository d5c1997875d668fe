import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { pino } from 'pino';
import { VaultTestServer } from '../../test/fixtures/vault/server.js';
import { rootClient } from '../../test/fixtures/vault/setup.js';
import { loadConfig } from '../config/index.js';
import { Health } from '../platform/health.js';
import { Metrics } from '../telemetry/metrics.js';
import { createSecretsModule } from './index.js';
import { createVaultResolvers, type VaultReferenceResolver } from './vault-resolver.js';

const log = pino({ level: 'silent' });

describe('secrets module wiring', () => {
  let server: VaultTestServer;

  before(async () => {
    server = await VaultTestServer.start();
    const root = rootClient(server);
    await root.write('secret/data/ai-la/otlp', { data: { authorization: 'Bearer one' } });
    await root.write('sys/mounts/transit', { type: 'transit' });
    await root.write('transit/keys/ai-la-receipts', { type: 'ed25519' });
  });

  after(() => server.close());

  test('registers the vault readiness check and aila_vault_up, opens the signer, follows rotations', async () => {
    let resolver: VaultReferenceResolver | undefined;
    const config = await loadConfig({
      env: {
        AILA_SECRETS_VAULT_ADDRESS: server.url,
        AILA_SECRETS_VAULT_AUTH_METHOD: 'token',
        AILA_SECRETS_VAULT_AUTH_TOKEN: server.rootToken,
        AILA_SECRETS_VAULT_REFRESH_INTERVAL_MS: '1000',
        AILA_SECRETS_TRANSIT_KEY: 'ai-la-receipts',
        AILA_TELEMETRY_OTLP_HEADERS: '{"authorization":"vault:secret/ai-la/otlp#authorization"}',
      },
      resolvers: async (raw) => {
        const resolvers = await createVaultResolvers(raw, { log });
        resolver = resolvers[0];
        return resolvers;
      },
    });
    assert.equal(config.telemetry.otlp.headers.authorization, 'Bearer one');
    const health = new Health();
    const metrics = new Metrics();
    const secrets = await createSecretsModule({ config, resolver, log, registry: metrics.registry, health });
    try {
      const readiness = await health.readiness();
      assert.equal(readiness.checks.vault?.status, 'ok');
      assert.match(await metrics.registry.metrics(), /^aila_vault_up 1$/m);
      const signer = secrets.signer;
      assert.ok(signer);
      assert.equal(signer.keyVersion, 1);

      const rotated = new Promise<string>((resolve) => {
        secrets.watcher?.subscribeKey('telemetry.otlp.headers.authorization', resolve);
      });
      await rootClient(server).write('secret/data/ai-la/otlp', { data: { authorization: 'Bearer two' } });
      await rootClient(server).write('transit/keys/ai-la-receipts/rotate', {});
      assert.equal(await rotated, 'Bearer two');
      // The key is re-read every refreshIntervalMs (1 s here).
      while (signer.keyVersion < 2) await new Promise((r) => setTimeout(r, 50));
    } finally {
      await secrets.close();
    }
  });

  test('without Vault there is nothing to register', async () => {
    const config = await loadConfig({ env: {} });
    const health = new Health();
    const secrets = await createSecretsModule({ config, log, registry: new Metrics().registry, health });
    assert.equal(secrets.vault, undefined);
    assert.deepEqual(Object.keys((await health.readiness()).checks), []);
    await secrets.close();
  });
});
