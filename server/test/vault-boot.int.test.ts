import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import OpenAI from 'openai';
import pg from 'pg';
import { DEFAULT_DEV_USERS, type DevIdp, startDevIdp } from '../src/dev/idp/index.js';
import { type RunningSimulator, startSimulator } from '../src/dev/simulator/index.js';
import { b64urlDecode, kidOf, type PinnedKey, verifyReceipt } from '../src/evidence/core/index.js';
import type { Jwk } from '../src/evidence/index.js';
import { createServiceAccountIssuer } from './fixtures/vault/jwt.js';
import { VaultTestServer } from './fixtures/vault/server.js';
import { type RootClient, rootClient, setupDatabaseEngine } from './fixtures/vault/setup.js';
import { generateKeyPair as samlKeyPair, TestSamlIdp } from './identity/saml-idp.js';
import { Browser, PUBLIC_URL, signIn } from './identity/support.js';
import { createTestDatabase, type TestDatabase } from './support/database.js';
import { runCli, spawnTs } from './support/process.js';

const MODEL = 'ai-la/sim-coder-7b';

/**
 * `aila serve` as in production with Vault, once per login method (token, AppRole, Kubernetes):
 * every secret comes from Vault (dynamic database credentials, the OIDC client secret, the SAML SP
 * key and certificate, the backend API key, the audit HMAC key; KV v2 references) and receipts and
 * checkpoints are signed with Vault Transit. Each boot signs in over OIDC and SAML, calls the model
 * through the gateway and verifies the receipt against the published JWKS.
 */
describe('booting with every secret from Vault', () => {
  let database: TestDatabase;
  let admin: pg.Client;
  let vault: VaultTestServer;
  let root: RootClient;
  let idp: DevIdp;
  let saml: TestSamlIdp;
  let sim: RunningSimulator;
  const owner = `aila_owner_${randomUUID().slice(0, 8)}`;
  const dir = mkdtempSync(join(tmpdir(), 'aila-vault-boot-'));
  const spKeys = samlKeyPair('ai-la-sp');
  const clientSecret = randomBytes(24).toString('base64url');
  const backendKey = randomBytes(24).toString('base64url');
  /** Configuration shared by every boot: no secret in it, only references to Vault. */
  const base: Record<string, string> = {};
  /** The login settings of each method. */
  const methods: Record<'token' | 'approle' | 'kubernetes', Record<string, string>> = {
    token: {},
    approle: {},
    kubernetes: {},
  };

  before(async () => {
    database = await createTestDatabase();
    admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    await admin.query(`create role ${owner} nologin`);
    await admin.query(`grant all on schema public to ${owner}`);
    vault = await VaultTestServer.start();
    root = rootClient(vault);
    await setupDatabaseEngine(root, { adminUrl: database.url, ownerRole: owner });
    await root.write('sys/mounts/transit', { type: 'transit' });
    await root.write('transit/keys/ai-la-receipts', { type: 'ed25519' });
    await root.write('transit/keys/ai-la-log', { type: 'ed25519' });

    await root.write('secret/data/ai-la/oidc', { data: { 'client-secret': clientSecret } });
    await root.write('secret/data/ai-la/saml', { data: { 'sp-key': spKeys.key, 'sp-cert': spKeys.cert } });
    await root.write('secret/data/ai-la/backends/sim', { data: { 'api-key': backendKey } });
    await root.write('secret/data/ai-la/audit', {
      data: { 'hmac-key': Buffer.alloc(32, 7).toString('base64') },
    });
    idp = await startDevIdp({
      clients: [
        {
          clientId: 'ai-la',
          clientSecret,
          redirectUris: [`${PUBLIC_URL}/auth/oidc/dev/callback`],
          postLogoutRedirectUris: [`${PUBLIC_URL}/`],
        },
      ],
      users: [...DEFAULT_DEV_USERS],
    });
    saml = new TestSamlIdp();
    sim = await startSimulator({ models: [MODEL], apiKey: backendKey });

    // Token: a renewable service token. AppRole: role and secret IDs in files. Kubernetes: a
    // projected service-account token file, verified by the auth method's configured key.
    const token = (await root.write('auth/token/create', { ttl: '1h', renewable: true }))?.auth as {
      client_token: string;
    };
    writeFileSync(join(dir, 'token'), `${token.client_token}\n`);
    methods.token = {
      AILA_SECRETS_VAULT_AUTH_METHOD: 'token',
      AILA_SECRETS_VAULT_AUTH_TOKEN_FILE: join(dir, 'token'),
    };
    await root.write('sys/auth/approle', { type: 'approle' });
    await root.write('auth/approle/role/ai-la', { token_ttl: '1h', token_max_ttl: '4h' });
    const roleId = ((await root.read('auth/approle/role/ai-la/role-id')).data as { role_id: string }).role_id;
    const secretId = (
      (await root.write('auth/approle/role/ai-la/secret-id', {}))?.data as { secret_id: string }
    ).secret_id;
    writeFileSync(join(dir, 'role-id'), `${roleId}\n`);
    writeFileSync(join(dir, 'secret-id'), `${secretId}\n`);
    methods.approle = {
      AILA_SECRETS_VAULT_AUTH_METHOD: 'approle',
      AILA_SECRETS_VAULT_AUTH_ROLE_ID_FILE: join(dir, 'role-id'),
      AILA_SECRETS_VAULT_AUTH_SECRET_ID_FILE: join(dir, 'secret-id'),
    };
    const issuer = createServiceAccountIssuer();
    await root.write('sys/auth/kubernetes', { type: 'kubernetes' });
    await root.write('auth/kubernetes/config', {
      kubernetes_host: 'https://kubernetes.default.svc',
      pem_keys: [issuer.publicKeyPem],
    });
    await root.write('auth/kubernetes/role/ai-la', {
      bound_service_account_names: 'ai-la',
      bound_service_account_namespaces: 'ai-la',
      token_ttl: 3600,
    });
    writeFileSync(join(dir, 'sa-token'), `${issuer.token({ namespace: 'ai-la', name: 'ai-la' })}\n`);
    methods.kubernetes = {
      AILA_SECRETS_VAULT_AUTH_METHOD: 'kubernetes',
      AILA_SECRETS_VAULT_AUTH_ROLE: 'ai-la',
      AILA_SECRETS_VAULT_AUTH_JWT_PATH: join(dir, 'sa-token'),
    };

    const bare = new URL(database.url);
    bare.username = '';
    bare.password = '';
    Object.assign(base, {
      AILA_SECRETS_VAULT_ADDRESS: vault.url,
      AILA_SECRETS_DATABASE_ROLE: 'ai-la',
      AILA_DATABASE_URL: bare.href,
      AILA_AUDIT_HMAC_KEY: 'vault:secret/ai-la/audit#hmac-key',
      AILA_AUTH_OIDC_CONNECTIONS: JSON.stringify([
        {
          name: 'dev',
          issuer: idp.issuer,
          clientId: 'ai-la',
          clientSecret: 'vault:secret/ai-la/oidc#client-secret',
          scopes: ['openid', 'email', 'profile', 'groups'],
          groupRoles: { 'ai-la-developers': 'developer', 'ai-la-admins': 'admin' },
          domains: ['ai-la.dev'],
          allowInsecureHttp: true,
        },
      ]),
      AILA_AUTH_SAML_CONNECTIONS: JSON.stringify([
        {
          name: 'corp',
          idp: { metadataXml: saml.metadataXml },
          sp: {
            privateKey: 'vault:secret/ai-la/saml#sp-key',
            certificate: 'vault:secret/ai-la/saml#sp-cert',
          },
          defaultRole: 'developer',
          domains: ['example.com'],
        },
      ]),
      AILA_GATEWAY_BACKENDS: JSON.stringify([
        { name: 'sim', url: sim.url, models: [MODEL], apiKey: 'vault:secret/ai-la/backends/sim#api-key' },
      ]),
      AILA_EVIDENCE_KEYS_SOURCE: 'transit',
      // Generous health checks: the machine running the suite is busy; a slow probe is not an outage.
      AILA_GATEWAY_HEALTH_CHECK_TIMEOUT_MS: '15000',
      AILA_GATEWAY_HEALTH_CHECK_UNHEALTHY_THRESHOLD: '5',
      AILA_SERVER_PUBLIC_URL: PUBLIC_URL,
      AILA_SERVER_HOST: '127.0.0.1',
      AILA_SERVER_PORT: '0',
      AILA_METRICS_HOST: '127.0.0.1',
      AILA_METRICS_PORT: '0',
      AILA_AUTH_SESSION_INSECURE_COOKIES: 'true',
    });
  });
  after(async () => {
    await sim?.close();
    await saml?.close();
    await idp?.close();
    await vault?.close(); // revokes the outstanding leases: drops their roles
    await admin?.query(`drop owned by ${owner}`);
    await admin?.query(`drop role ${owner}`);
    await admin?.end();
    await database?.drop();
  });

  /** Public key of the latest version of a Transit key, as Vault reports it. */
  const latestTransitKey = async (name: string): Promise<Buffer> => {
    const data = (await root.read(`transit/keys/${name}`)).data as {
      latest_version: number;
      keys: Record<string, { public_key: string }>;
    };
    return Buffer.from(data.keys[String(data.latest_version)]?.public_key ?? '', 'base64');
  };

  /** What a running appliance must do with its secrets from Vault. */
  async function exercise(url: string, metricsUrl: string): Promise<void> {
    const ready = (await (await fetch(`${url}/readyz`)).json()) as {
      status: string;
      checks: Record<string, { status: string }>;
    };
    assert.equal(ready.status, 'ready', JSON.stringify(ready));
    assert.equal(ready.checks.vault?.status, 'ok');
    assert.match(await (await fetch(`${metricsUrl}/metrics`)).text(), /^aila_vault_up 1$/m);

    // OIDC: the code exchange authenticates with the client secret read from Vault.
    const browser = await signIn({ url }, 'dev@ai-la.dev');
    // SAML: the AuthnRequest is signed with the SP key from Vault (the IdP checks it against the
    // certificate from Vault in the SP metadata) and the response is accepted.
    const metadata = await (await fetch(`${url}/auth/saml/corp/metadata`)).text();
    const sp = saml.serviceProvider(metadata);
    const samlBrowser = new Browser(url);
    const start = await samlBrowser.fetch('/auth/login?connection=corp');
    assert.equal(start.status, 302);
    const request = await saml.authnRequest(sp, start.headers.get('location') ?? '');
    const acs = await samlBrowser.fetch('/auth/saml/corp/acs', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        SAMLResponse: await saml.response(sp, request, { email: 'sam@example.com', name: 'Sam', groups: [] }),
      }).toString(),
    });
    assert.equal(acs.status, 303, await acs.text());

    // The gateway reaches the backend with the API key from Vault; the receipt is signed in Vault.
    const created = await browser.send('POST', '/api/v1/me/keys', { name: 'ide', scopes: ['gateway'] });
    assert.equal(created.status, 201, await created.clone().text());
    const { secret } = (await created.json()) as { secret: string };
    const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: secret, maxRetries: 0 });
    const answer = await client.chat.completions.create({
      model: MODEL,
      messages: [{ role: 'user', content: 'Write a TypeScript function that adds numbers' }],
    });
    const receipt = (answer as unknown as { tecp_receipt: Record<string, unknown> }).tecp_receipt;
    assert.equal((receipt.ext as { kid: string }).kid, kidOf(await latestTransitKey('ai-la-receipts')));
    const jwks = (await (await fetch(`${url}/.well-known/tecp-jwks`)).json()) as { keys: Jwk[] };
    const keys: PinnedKey[] = jwks.keys.map((k) => ({
      publicKey: b64urlDecode(k.x),
      nbf: k.nbf,
      ...(k.exp ? { exp: k.exp } : {}),
    }));
    assert.deepEqual(verifyReceipt(receipt, { archival: true, keys }).errors, []);
    assert.ok(
      vault.requests.some((r) => r.path === 'transit/sign/ai-la-log'),
      'checkpoints signed in Vault',
    );
  }

  for (const method of ['approle', 'token', 'kubernetes'] as const) {
    test(`aila serve logs in with ${method} and takes every secret from Vault`, async () => {
      const env = { ...base, ...methods[method] };
      if (method === 'approle') {
        // The migration Job uses dynamic credentials too.
        const migrated = await runCli(['migrate', 'up'], env);
        assert.equal(migrated.code, 0, migrated.output);
      }
      const logins = vault.requests.filter((r) => r.path.endsWith('/login')).length;
      const child = spawnTs('server/src/cli/index.ts', ['serve'], env);
      try {
        const [, url, metricsUrl] = await child.waitFor(/"url":"(http:[^"]+)","metricsUrl":"(http:[^"]+)"/);
        await exercise(url as string, metricsUrl as string);
        if (method !== 'token') {
          assert.ok(vault.requests.slice(logins).some((r) => r.path === `auth/${method}/login`));
        }
        assert.ok(vault.requests.some((r) => r.path === 'database/creds/ai-la'));
        for (const value of [database.url, spKeys.key.split('\n')[1] ?? '', clientSecret, backendKey]) {
          assert.ok(!child.output().includes(value), 'resolved secrets never reach the logs');
        }
      } finally {
        child.proc.kill('SIGTERM');
      }
      assert.equal(await child.exited, 0, child.output());
    });
  }

  test('aila keys lists the Transit key versions and sends rotations to Vault', async () => {
    const env = { ...base, ...methods.approle };
    const listed = await runCli(['keys', 'list'], env);
    assert.equal(listed.code, 0, listed.output);
    assert.match(listed.output, new RegExp(`receipts +${kidOf(await latestTransitKey('ai-la-receipts'))}`));
    assert.match(listed.output, new RegExp(`log:receipts +${kidOf(await latestTransitKey('ai-la-log'))}`));
    const rotate = await runCli(['keys', 'rotate'], env);
    assert.equal(rotate.code, 1);
    assert.match(
      rotate.output,
      /the keys live in Vault; rotate with `vault write -f <mount>\/keys\/<key>\/rotate`/,
    );
  });

  test('a reference to a missing secret stops the boot naming the key', async () => {
    const { code, output } = await runCli(['config', 'check'], {
      ...base,
      ...methods.approle,
      AILA_AUDIT_HMAC_KEY: 'vault:secret/ai-la/audit#nope',
    });
    assert.equal(code, 1);
    assert.match(output, /audit\.hmacKey: cannot resolve vault reference: .*no key "nope"/);
  });

  test('a missing Transit key stops the boot naming it', async () => {
    const child = spawnTs('server/src/cli/index.ts', ['serve'], {
      ...base,
      ...methods.approle,
      AILA_EVIDENCE_KEYS_TRANSIT_LOG_KEY: 'absent',
    });
    assert.equal(await child.exited, 1);
    assert.match(child.output(), /transit key transit\/keys\/absent does not exist/);
  });
});
