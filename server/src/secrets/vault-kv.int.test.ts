import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { VaultTestServer } from '../../test/fixtures/vault/server.js';
import { type RootClient, rootClient } from '../../test/fixtures/vault/setup.js';
import { ConfigError, loadConfig } from '../config/index.js';
import { SecretsConfigError } from './config-schema.js';
import { SecretWatcher } from './secret-watcher.js';
import { registerVaultMetrics, vaultReadinessCheck } from './vault-health.js';
import { createVaultResolvers, type VaultReferenceResolver } from './vault-resolver.js';

const log = pino({ level: 'silent' });
const HMAC_V1 = Buffer.alloc(32, 1).toString('base64');
const HMAC_V2 = Buffer.alloc(32, 2).toString('base64');

describe('vault: references', () => {
  let server: VaultTestServer;
  let root: RootClient;
  let resolver: VaultReferenceResolver;
  const dir = mkdtempSync(join(tmpdir(), 'aila-vault-kv-'));

  const envFor = (yaml: string): NodeJS.ProcessEnv => {
    const file = join(dir, `config-${Math.random().toString(36).slice(2)}.yaml`);
    writeFileSync(file, yaml);
    return {
      AILA_CONFIG: file,
      AILA_SECRETS_VAULT_ADDRESS: server.url,
      AILA_SECRETS_VAULT_AUTH_METHOD: 'token',
      AILA_SECRETS_VAULT_AUTH_TOKEN: server.rootToken,
      AILA_SECRETS_VAULT_BOOT_TIMEOUT_MS: '0',
    };
  };

  const load = (env: NodeJS.ProcessEnv) =>
    loadConfig({
      env,
      resolvers: async (raw) => {
        const resolvers = await createVaultResolvers(raw, { log });
        if (resolvers[0]) resolver = resolvers[0];
        return resolvers;
      },
    });

  before(async () => {
    server = await VaultTestServer.start();
    root = rootClient(server);
    await root.write('secret/data/ai-la/audit', { data: { 'hmac-key': HMAC_V1 } });
    await root.write('secret/data/ai-la/audit', { data: { 'hmac-key': HMAC_V2 } });
    await root.write('secret/data/ai-la/otlp', { data: { authorization: 'Bearer one', port: 4318 } });
  });

  after(async () => {
    resolver?.vault.close();
    await server.close();
  });

  test('references anywhere in the configuration are resolved through loadConfig', async () => {
    const config = await load(
      envFor(
        [
          'audit:',
          '  hmacKey: vault:secret/ai-la/audit#hmac-key@1',
          'telemetry:',
          '  otlp:',
          '    headers:',
          '      authorization: vault:secret/ai-la/otlp#authorization',
          '      x-port: vault:secret/ai-la/otlp#port',
        ].join('\n'),
      ),
    );
    assert.equal(config.audit.hmacKey, HMAC_V1, 'pinned to version 1');
    assert.deepEqual(config.telemetry.otlp.headers, { authorization: 'Bearer one', 'x-port': '4318' });
    assert.equal(config.secrets.vault?.address, server.url);
    assert.deepEqual(
      [...resolver.references],
      [
        ['audit.hmacKey', 'vault:secret/ai-la/audit#hmac-key@1'],
        ['telemetry.otlp.headers.authorization', 'vault:secret/ai-la/otlp#authorization'],
        ['telemetry.otlp.headers.x-port', 'vault:secret/ai-la/otlp#port'],
      ],
    );
    const latest = await load(envFor('audit:\n  hmacKey: vault:secret/ai-la/audit#hmac-key\n'));
    assert.equal(latest.audit.hmacKey, HMAC_V2, 'unpinned: the current version');
  });

  test('unresolvable references are configuration problems naming the key', async () => {
    await assert.rejects(
      load(
        envFor(
          [
            'telemetry:',
            '  otlp:',
            '    headers:',
            '      a: vault:secret/ai-la/absent#x',
            '      b: vault:secret/ai-la/audit#hmac-key@9',
            '      c: vault:nonsense',
            '      d: vault:secret/ai-la/audit#missing',
          ].join('\n'),
        ),
      ),
      (err: Error) => {
        assert.ok(err instanceof ConfigError);
        const problems = err.problems.map((p) => `${p.path}: ${p.message}`).sort();
        assert.deepEqual(problems, [
          'telemetry.otlp.headers.a: cannot resolve vault reference: no secret at secret/ai-la/absent (KV v2 path secret/data/ai-la/absent)',
          'telemetry.otlp.headers.b: cannot resolve vault reference: no version 9 of secret at secret/ai-la/audit (KV v2 path secret/data/ai-la/audit?version=9)',
          'telemetry.otlp.headers.c: cannot resolve vault reference: malformed reference vault:nonsense: expected vault:<mount>/<path>#<key>[@version]',
          'telemetry.otlp.headers.d: cannot resolve vault reference: secret/ai-la/audit has no key "missing"',
        ]);
        return true;
      },
    );
  });

  test('an invalid secrets section is reported before any login', async () => {
    const env = {
      ...envFor(''),
      AILA_SECRETS_VAULT_AUTH_METHOD: 'approle',
      AILA_SECRETS_VAULT_TIMEOUT_MS: '5',
    };
    await assert.rejects(load(env), (err: Error) => {
      assert.ok(err instanceof SecretsConfigError);
      assert.deepEqual(err.problems.map((p) => `${p.path}: ${p.message}`).sort(), [
        'secrets.vault.timeoutMs: must be >= 100',
      ]);
      return true;
    });
    await assert.rejects(load({ ...env, AILA_SECRETS_VAULT_TIMEOUT_MS: '500' }), (err: Error) => {
      assert.ok(err instanceof SecretsConfigError);
      assert.deepEqual(err.problems.map((p) => p.path).sort(), [
        'secrets.vault.auth.roleId',
        'secrets.vault.auth.secretId',
      ]);
      return true;
    });
  });

  test('SecretWatcher picks up a rotated secret and notifies subscribers', async () => {
    await load(
      envFor(
        'telemetry:\n  otlp:\n    headers:\n      authorization: vault:secret/ai-la/otlp#authorization\n',
      ),
    );
    const watcher = new SecretWatcher({ kv: resolver.kv, intervalMs: 20, references: resolver.references });
    const seen: string[] = [];
    const changed = new Promise<string>((resolve) => {
      watcher.subscribeKey('telemetry.otlp.headers.authorization', (value) => {
        seen.push(value);
        resolve(value);
      });
    });
    assert.throws(
      () => watcher.subscribeKey('server.port', () => undefined),
      /was not given as a vault: reference/,
    );
    assert.equal(await watcher.refresh(), 0, 'nothing changed yet');
    await root.write('secret/data/ai-la/otlp', { data: { authorization: 'Bearer two', port: 4318 } });
    watcher.start();
    assert.equal(await changed, 'Bearer two');
    watcher.stop();
    assert.deepEqual(seen, ['Bearer two']);
    assert.equal(watcher.current('vault:secret/ai-la/otlp#authorization'), 'Bearer two');
  });

  test('Vault down later: cached secrets keep working; readiness fails; aila_vault_up is 0', async () => {
    await load(
      envFor(
        'telemetry:\n  otlp:\n    headers:\n      authorization: vault:secret/ai-la/otlp#authorization\n',
      ),
    );
    const registry = new Registry();
    registerVaultMetrics(registry, resolver.vault);
    const ready = vaultReadinessCheck(resolver.vault);
    const gauge = async () => (await registry.getSingleMetric('aila_vault_up')?.get())?.values[0]?.value;
    await ready();
    assert.equal(await gauge(), 1);
    const ref = 'vault:secret/ai-la/otlp#authorization';
    const watcher = new SecretWatcher({
      kv: resolver.kv,
      intervalMs: 60000,
      references: resolver.references,
    });
    let notified = 0;
    watcher.subscribe(ref, () => notified++);

    await server.stop();
    try {
      assert.equal(await resolver.resolve(ref), 'Bearer two', 'served from the cache');
      assert.equal(await watcher.refresh(), 0);
      assert.equal(watcher.current(ref), 'Bearer two');
      await assert.rejects(ready(), /ECONNREFUSED/);
      assert.equal(resolver.vault.up, false);
      assert.equal(await gauge(), 0);
      await assert.rejects(resolver.resolve('vault:secret/ai-la/audit#never-read'), /ECONNREFUSED/);
    } finally {
      await server.resume();
    }
    await ready();
    assert.equal(await gauge(), 1);
    assert.equal(notified, 0);
  });
});
