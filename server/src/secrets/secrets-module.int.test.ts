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
    await root.write('transit/keys/ai-la-log', { type: 'ed25519' });
  });

  after(() => server.close());

  test('registers the vault readiness check and aila_vault_up, opens the evidence keys, follows rotations', async () => {
    let resolver: VaultReferenceResolver | undefined;
    const config = await loadConfig({
      env: {
        AILA_SECRETS_VAULT_ADDRESS: server.url,
        AILA_SECRETS_VAULT_AUTH_METHOD: 'token',
        AILA_SECRETS_VAULT_AUTH_TOKEN: server.rootToken,
        AILA_SECRETS_VAULT_REFRESH_INTERVAL_MS: '1000',
        AILA_EVIDENCE_KEYS_SOURCE: 'transit',
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
      const receiptKeys = secrets.evidenceKeys?.receipt;
      assert.ok(receiptKeys && secrets.evidenceKeys?.log);
      const first = await receiptKeys.load();
      assert.equal(first.label, 'transit/keys/ai-la-receipts version 1');
      assert.deepEqual(first.earlier, []);
      assert.equal(first.key.privateKey, undefined, 'the private key stays in Vault');
      const log = await secrets.evidenceKeys.log.load();
      assert.notEqual(log.key.kid, first.key.kid, 'receipts and checkpoints have keys of their own');

      const rotated = new Promise<string>((resolve) => {
        secrets.watcher?.subscribeKey('telemetry.otlp.headers.authorization', resolve);
      });
      await rootClient(server).write('secret/data/ai-la/otlp', { data: { authorization: 'Bearer two' } });
      await rootClient(server).write('transit/keys/ai-la-receipts/rotate', {});
      assert.equal(await rotated, 'Bearer two');
      // The key ring re-reads the source every evidence.keys.refreshMs: the next load is version 2.
      const second = await receiptKeys.load();
      assert.equal(second.label, 'transit/keys/ai-la-receipts version 2');
      assert.deepEqual(
        second.earlier.map((v) => v.kid),
        [first.key.kid],
      );
      const [v1] = second.earlier;
      assert.ok(v1 && v1.exp - v1.nbf > config.evidence.keys.retireGraceMs, 'v1 keeps its window');
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
