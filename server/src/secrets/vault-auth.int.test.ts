import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { createServiceAccountIssuer } from '../../test/fixtures/vault/jwt.js';
import { VaultTestServer } from '../../test/fixtures/vault/server.js';
import { type RootClient, rootClient } from '../../test/fixtures/vault/setup.js';
import { DEFAULT_JWT_PATH, type VaultAuthConfig, type VaultConfig } from './config-schema.js';
import { VaultLoginError } from './vault-auth.js';
import { VaultClient } from './vault-client.js';

const silent = pino({ level: 'silent' });

const configFor = (
  server: VaultTestServer,
  auth: Partial<VaultAuthConfig>,
  extra: Partial<VaultConfig> = {},
) =>
  ({
    address: server.url,
    auth: { method: 'token', jwtPath: DEFAULT_JWT_PATH, ...auth },
    refreshIntervalMs: 60000,
    timeoutMs: 2000,
    bootTimeoutMs: 0,
    ...extra,
  }) as VaultConfig;

/** A logger whose lines the test can wait for. */
function capturingLogger() {
  const lines: Array<{ msg: string }> = [];
  const waiters: Array<{ msg: string; resolve: () => void }> = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      const line = JSON.parse(String(chunk)) as { msg: string };
      lines.push(line);
      for (const w of waiters.filter((w) => w.msg === line.msg)) w.resolve();
      done();
    },
  });
  return {
    log: pino({ level: 'debug' }, stream),
    lines,
    next: (msg: string) => new Promise<void>((resolve) => waiters.push({ msg, resolve })),
  };
}

describe('Vault client authentication', () => {
  let server: VaultTestServer;
  let root: RootClient;
  let roleId: string;
  let secretId: string;
  const issuer = createServiceAccountIssuer();
  const dir = mkdtempSync(join(tmpdir(), 'aila-vault-'));
  const jwtPath = join(dir, 'token');

  before(async () => {
    server = await VaultTestServer.start();
    root = rootClient(server);
    await root.write('secret/data/ai-la/probe', { data: { value: 'ok' } });
    await root.write('sys/auth/approle', { type: 'approle' });
    await root.write('auth/approle/role/ai-la', {
      token_ttl: '3s',
      token_max_ttl: '4s',
      token_policies: 'ai-la',
    });
    roleId = ((await root.read('auth/approle/role/ai-la/role-id')).data as { role_id: string }).role_id;
    secretId = ((await root.write('auth/approle/role/ai-la/secret-id', {}))?.data as { secret_id: string })
      .secret_id;
    await root.write('sys/auth/k8s-prod', { type: 'kubernetes' });
    await root.write('auth/k8s-prod/config', {
      kubernetes_host: 'https://kubernetes.default.svc',
      pem_keys: [issuer.publicKeyPem],
    });
    await root.write('auth/k8s-prod/role/ai-la', {
      bound_service_account_names: 'ai-la',
      bound_service_account_namespaces: 'ai-la',
      token_policies: 'ai-la',
      token_ttl: 3600,
    });
    writeFileSync(jwtPath, `${issuer.token({ namespace: 'ai-la', name: 'ai-la' })}\n`);
  });

  after(() => server.close());

  test('token: the configured token is used as is', async () => {
    const vault = await VaultClient.connect(configFor(server, { token: server.rootToken }), { log: silent });
    assert.equal(vault.up, true);
    const secret = await vault.read('secret/data/ai-la/probe');
    assert.deepEqual(secret.data?.data, { value: 'ok' });
    vault.close();
    await assert.rejects(
      VaultClient.connect(configFor(server, { token: 'hvs.wrong' }), { log: silent }),
      (err: Error) => err instanceof VaultLoginError && /token login .* permission denied/.test(err.message),
    );
  });

  test('token: a renewable token is renewed at 2/3 of its remaining TTL', async () => {
    const created = await root.write('auth/token/create', { ttl: '3s', policies: 'ai-la' });
    const token = (created?.auth as { client_token: string }).client_token;
    const vault = await VaultClient.connect(configFor(server, { token }), { log: silent });
    const [ttl] = await once(vault, 'renewed');
    assert.equal(ttl, 3);
    assert.deepEqual((await vault.read('secret/data/ai-la/probe')).data?.data, { value: 'ok' });
    vault.close();
  });

  test('approle: logs in at auth/approle/login and reads with the new token', async () => {
    const vault = await VaultClient.connect(configFor(server, { method: 'approle', roleId, secretId }), {
      log: silent,
    });
    assert.deepEqual((await vault.read('secret/data/ai-la/probe')).data?.data, { value: 'ok' });
    assert.ok(server.requests.some((r) => r.path === 'auth/approle/login'));
    vault.close();
    await assert.rejects(
      VaultClient.connect(configFor(server, { method: 'approle', roleId, secretId: 'nope' }), {
        log: silent,
      }),
      /approle login at auth\/approle\/login failed: invalid role or secret ID/,
    );
  });

  test('kubernetes: the service-account JWT is read from its file at a custom mount', async () => {
    let reads = 0;
    const readText = (path: string) => {
      reads++;
      return readFile(path, 'utf8');
    };
    const config = configFor(server, { method: 'kubernetes', role: 'ai-la', jwtPath, mount: 'k8s-prod' });
    const vault = await VaultClient.connect(config, { log: silent, readText });
    assert.equal(reads, 1);
    assert.deepEqual((await vault.read('secret/data/ai-la/probe')).data?.data, { value: 'ok' });
    // A token Vault no longer accepts: the next call logs in again (re-reading the JWT) and retries.
    assert.equal(server.tokens.revokeIssuedAt('auth/k8s-prod/login'), 1);
    const relogin = once(vault, 'login');
    assert.deepEqual((await vault.read('secret/data/ai-la/probe')).data?.data, { value: 'ok' });
    await relogin;
    assert.equal(reads, 2);
    vault.close();

    writeFileSync(join(dir, 'other'), issuer.token({ namespace: 'default', name: 'ai-la' }));
    await assert.rejects(
      VaultClient.connect(
        { ...config, auth: { ...config.auth, jwtPath: join(dir, 'other') } },
        { log: silent },
      ),
      /kubernetes login at auth\/k8s-prod\/login failed: namespace not authorized/,
    );
    await assert.rejects(
      VaultClient.connect(
        { ...config, auth: { ...config.auth, jwtPath: join(dir, 'absent') } },
        { log: silent },
      ),
      /cannot read the Kubernetes service-account token at .*absent/,
    );
  });

  test('the token is renewed at 2/3 of its TTL, then replaced by a new login near its max TTL', async () => {
    const vault = await VaultClient.connect(configFor(server, { method: 'approle', roleId, secretId }), {
      log: silent,
    });
    // token_ttl 3 s, token_max_ttl 4 s: renew-self at 2 s grants at most 2 s (capped), so the
    // next step, at 2/3 of that, is a new login rather than another renewal.
    const [renewedTtl] = await once(vault, 'renewed');
    assert.ok(renewedTtl < 3, `renewal capped by max TTL, got ${renewedTtl}`);
    const [loginTtl] = await once(vault, 'login');
    assert.equal(loginTtl, 3);
    assert.ok(server.requests.some((r) => r.path === 'auth/token/renew-self'));
    assert.deepEqual((await vault.read('secret/data/ai-la/probe')).data?.data, { value: 'ok' });
    vault.close();
  });

  test('namespaces: every request carries X-Vault-Namespace; tokens stay in their namespace', async () => {
    await root.write('sys/namespaces/team-a', {});
    const ns = rootClient(server, 'team-a');
    await ns.write('sys/mounts/kv', { type: 'kv', options: { version: '2' } });
    await ns.write('kv/data/ai-la/probe', { data: { value: 'in team-a' } });
    await ns.write('sys/auth/approle', { type: 'approle' });
    await ns.write('auth/approle/role/ai-la', { token_ttl: 3600 });
    const nsRoleId = ((await ns.read('auth/approle/role/ai-la/role-id')).data as { role_id: string }).role_id;
    const nsSecretId = (
      (await ns.write('auth/approle/role/ai-la/secret-id', {}))?.data as { secret_id: string }
    ).secret_id;
    const before = server.requests.length;
    const config = configFor(
      server,
      { method: 'approle', roleId: nsRoleId, secretId: nsSecretId },
      { namespace: 'team-a' },
    );
    const vault = await VaultClient.connect(config, { log: silent });
    assert.deepEqual((await vault.read('kv/data/ai-la/probe')).data?.data, { value: 'in team-a' });
    const sent = server.requests.slice(before);
    assert.ok(sent.length >= 2 && sent.every((r) => r.namespace === 'team-a'));
    vault.close();
    // The same role id does not exist in the root namespace.
    await assert.rejects(
      VaultClient.connect({ ...config, namespace: undefined }, { log: silent }),
      /no handler for route|invalid role/,
    );
  });

  test('TLS: the configured CA is trusted, an unknown issuer is refused', async () => {
    const tls = join(dirname(fileURLToPath(import.meta.url)), '../../test/fixtures/vault/tls');
    const https = await VaultTestServer.start({
      tls: {
        key: readFileSync(join(tls, 'server.key'), 'utf8'),
        cert: readFileSync(join(tls, 'server.crt'), 'utf8'),
      },
    });
    try {
      const caCert = readFileSync(join(tls, 'ca.crt'), 'utf8');
      const vault = await VaultClient.connect(configFor(https, { token: https.rootToken }, { caCert }), {
        log: silent,
      });
      assert.equal(vault.up, true);
      assert.ok(https.url.startsWith('https://'));
      vault.close();
      await assert.rejects(
        VaultClient.connect(configFor(https, { token: https.rootToken }, { bootTimeoutMs: 0 }), {
          log: silent,
        }),
        /Vault token login at auth\/token\/lookup-self failed: UNABLE_TO_VERIFY_LEAF_SIGNATURE/,
      );
    } finally {
      await https.close();
    }
  });

  test('Vault down at boot: retried with backoff until it answers, or a clear error when it does not', async () => {
    await server.stop();
    const capture = capturingLogger();
    const retried = capture.next('vault unreachable, retrying');
    const connecting = VaultClient.connect(
      configFor(server, { token: server.rootToken }, { bootTimeoutMs: 30000 }),
      {
        log: capture.log,
      },
    );
    await retried;
    await server.resume();
    const vault = await connecting;
    assert.equal(vault.up, true);
    vault.close();

    await server.stop();
    try {
      await assert.rejects(
        VaultClient.connect(configFor(server, { token: server.rootToken }, { bootTimeoutMs: 600 }), {
          log: silent,
        }),
        (err: Error) =>
          err instanceof VaultLoginError &&
          err.message.startsWith(`Vault at ${server.url} is unreachable (`) &&
          /attempts over \d+ s, auth\/token\/lookup-self\): .*ECONNREFUSED/.test(err.message),
      );
    } finally {
      await server.resume();
    }
  });
});
