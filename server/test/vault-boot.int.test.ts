import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { VaultTestServer } from './fixtures/vault/server.js';
import { rootClient } from './fixtures/vault/setup.js';
import { createTestDatabase, type TestDatabase } from './support/database.js';
import { runCli, spawnTs } from './support/process.js';

/**
 * `aila serve` as in production with Vault: AppRole login, the database URL and the audit HMAC key
 * from KV v2 references, the role and secret IDs from files; /readyz reports the Vault check.
 */
describe('booting with every secret from Vault', () => {
  let database: TestDatabase;
  let vault: VaultTestServer;
  const dir = mkdtempSync(join(tmpdir(), 'aila-vault-boot-'));
  const env: Record<string, string> = {};

  before(async () => {
    database = await createTestDatabase();
    vault = await VaultTestServer.start();
    const root = rootClient(vault);
    await root.write('sys/auth/approle', { type: 'approle' });
    await root.write('auth/approle/role/ai-la', { token_ttl: '1h', token_max_ttl: '4h' });
    const roleId = ((await root.read('auth/approle/role/ai-la/role-id')).data as { role_id: string }).role_id;
    const secretId = (
      (await root.write('auth/approle/role/ai-la/secret-id', {}))?.data as { secret_id: string }
    ).secret_id;
    await root.write('secret/data/ai-la/database', { data: { url: database.url } });
    await root.write('secret/data/ai-la/audit', {
      data: { 'hmac-key': Buffer.alloc(32, 7).toString('base64') },
    });
    writeFileSync(join(dir, 'role-id'), `${roleId}\n`);
    writeFileSync(join(dir, 'secret-id'), `${secretId}\n`);
    Object.assign(env, {
      AILA_SECRETS_VAULT_ADDRESS: vault.url,
      AILA_SECRETS_VAULT_AUTH_METHOD: 'approle',
      AILA_SECRETS_VAULT_AUTH_ROLE_ID_FILE: join(dir, 'role-id'),
      AILA_SECRETS_VAULT_AUTH_SECRET_ID_FILE: join(dir, 'secret-id'),
      AILA_DATABASE_URL: 'vault:secret/ai-la/database#url',
      AILA_AUDIT_HMAC_KEY: 'vault:secret/ai-la/audit#hmac-key',
      AILA_SERVER_HOST: '127.0.0.1',
      AILA_SERVER_PORT: '0',
      AILA_METRICS_ENABLED: 'false',
    });
  });
  after(async () => {
    await vault.close();
    await database.drop();
  });

  test('aila migrate up and aila serve resolve their secrets through Vault', async () => {
    const migrated = await runCli(['migrate', 'up'], env);
    assert.equal(migrated.code, 0, migrated.output);
    const child = spawnTs('server/src/cli/index.ts', ['serve'], env);
    const [, url] = await child.waitFor(/"url":"(http:[^"]+)"/);
    const ready = (await (await fetch(`${url}/readyz`)).json()) as {
      status: string;
      checks: Record<string, unknown>;
    };
    assert.equal(ready.status, 'ready', JSON.stringify(ready));
    assert.ok(ready.checks.vault, 'readiness includes Vault');
    assert.ok(vault.requests.some((r) => r.path === 'auth/approle/login'));
    assert.ok(!child.output().includes(database.url), 'the resolved database URL never reaches the logs');
    child.proc.kill('SIGTERM');
    assert.equal(await child.exited, 0, child.output());
  });

  test('a reference to a missing secret stops the boot naming the key', async () => {
    const { code, output } = await runCli(['config', 'check'], {
      ...env,
      AILA_DATABASE_URL: 'vault:secret/ai-la/database#nope',
    });
    assert.equal(code, 1);
    assert.match(output, /database\.url: cannot resolve vault reference: .*no key "nope"/);
  });
});
