import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import OpenAI from 'openai';
import { loadConfig, secretFilesOf } from '../src/config/index.js';
import { DEFAULT_DEV_USERS, type DevIdp, startDevIdp } from '../src/dev/idp/index.js';
import { type RunningSimulator, startSimulator } from '../src/dev/simulator/index.js';
import { type Appliance, startAppliance } from '../src/main.js';
import { createLogger } from '../src/platform/logger.js';
import { createVaultResolvers, type VaultReferenceResolver } from '../src/secrets/index.js';
import { VaultTestServer } from './fixtures/vault/server.js';
import { rootClient } from './fixtures/vault/setup.js';
import { PUBLIC_URL, signIn } from './identity/support.js';
import { createTestDatabase, type TestDatabase } from './support/database.js';

const MODEL = 'ai-la/sim-coder-7b';

/**
 * Secrets that rotate without a restart: the OIDC client secret as a `vault:` reference (re-read
 * every refreshIntervalMs) and a backend API key in an `AILA_*_FILE` file (as the Vault Agent
 * Injector renders it, replaced atomically).
 */
describe('rotated secrets are used without a restart', () => {
  let vault: VaultTestServer;
  let database: TestDatabase;
  let idp: DevIdp;
  let sim: RunningSimulator;
  let appliance: Appliance;
  const dir = mkdtempSync(join(tmpdir(), 'aila-rotation-'));
  const backendsFile = join(dir, 'backends.json');
  const logs: Array<Record<string, unknown>> = [];
  const secret = () => randomBytes(24).toString('base64url');

  const startIdp = (clientSecret: string, port = 0) =>
    startDevIdp({
      port,
      clients: [{ clientId: 'ai-la', clientSecret, redirectUris: [`${PUBLIC_URL}/auth/oidc/dev/callback`] }],
      users: [...DEFAULT_DEV_USERS],
    });
  const writeBackends = (apiKey: string) => {
    // Rendered next to the file and renamed over it, as the agent does.
    writeFileSync(
      `${backendsFile}.tmp`,
      JSON.stringify([{ name: 'sim', url: sim.url, models: [MODEL], apiKey }]),
    );
    renameSync(`${backendsFile}.tmp`, backendsFile);
  };
  const rotated = async (what: string) => {
    const deadline = Date.now() + 20000;
    while (!logs.some((l) => l.msg === 'rotated secret in use' && (l.rotated as string[]).includes(what))) {
      assert.ok(Date.now() < deadline, `${what} was not rotated`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const chat = async (apiKey: string) =>
    new OpenAI({ baseURL: `${appliance.url}/v1`, apiKey, maxRetries: 0 }).chat.completions.create({
      model: MODEL,
      messages: [{ role: 'user', content: 'hello' }],
    });

  before(async () => {
    vault = await VaultTestServer.start();
    database = await createTestDatabase();
    const clientSecret = secret();
    await rootClient(vault).write('secret/data/ai-la/oidc', { data: { 'client-secret': clientSecret } });
    idp = await startIdp(clientSecret);
    sim = await startSimulator({ models: [MODEL], apiKey: 'key-one' });
    writeBackends('key-one');
    const env = {
      AILA_SECRETS_VAULT_ADDRESS: vault.url,
      AILA_SECRETS_VAULT_AUTH_METHOD: 'token',
      AILA_SECRETS_VAULT_AUTH_TOKEN: vault.rootToken,
      AILA_SECRETS_VAULT_REFRESH_INTERVAL_MS: '1000',
      AILA_DATABASE_URL: database.url,
      AILA_DATABASE_MIGRATE_ON_START: 'true',
      AILA_SERVER_PUBLIC_URL: PUBLIC_URL,
      AILA_SERVER_HOST: '127.0.0.1',
      AILA_SERVER_PORT: '0',
      AILA_METRICS_ENABLED: 'false',
      AILA_AUTH_SESSION_INSECURE_COOKIES: 'true',
      AILA_EVIDENCE_KEYS_DIR: join(dir, 'keys'),
      AILA_AUTH_OIDC_CONNECTIONS: JSON.stringify([
        {
          name: 'dev',
          issuer: idp.issuer,
          clientId: 'ai-la',
          clientSecret: 'vault:secret/ai-la/oidc#client-secret',
          scopes: ['openid', 'email', 'profile', 'groups'],
          groupRoles: { 'ai-la-developers': 'developer' },
          allowInsecureHttp: true,
        },
      ]),
      AILA_GATEWAY_BACKENDS_FILE: backendsFile,
      AILA_GATEWAY_HEALTH_CHECK_INTERVAL_MS: '500',
    };
    let resolver: VaultReferenceResolver | undefined;
    const config = await loadConfig({
      env,
      resolvers: async (raw) => {
        const resolvers = await createVaultResolvers(raw);
        resolver = resolvers[0];
        return resolvers;
      },
    });
    const log = createLogger({
      level: 'info',
      destination: new Writable({
        write(chunk: Buffer, _enc, done) {
          for (const line of chunk.toString('utf8').split('\n')) if (line) logs.push(JSON.parse(line));
          done();
        },
      }),
    });
    appliance = await startAppliance(config, { production: false }, log, {
      ...(resolver ? { vault: resolver } : {}),
      secretFiles: secretFilesOf(env),
    });
  });
  after(async () => {
    await appliance?.shutdown('test finished');
    await sim?.close();
    await idp?.close();
    await vault?.close();
    await database?.drop();
  });

  test('a new OIDC client secret in Vault and a new backend API key file are picked up', async () => {
    const browser = await signIn(appliance, 'dev@ai-la.dev');
    const created = await browser.send('POST', '/api/v1/me/keys', { name: 'ide', scopes: ['gateway'] });
    assert.equal(created.status, 201);
    const { secret: apiKey } = (await created.json()) as { secret: string };
    assert.ok((await chat(apiKey)).choices.length > 0);

    // The IdP gets a new client secret; so does Vault. Sign-in works again once it is re-read.
    const next = secret();
    const port = Number(new URL(idp.issuer).port);
    await idp.close();
    idp = await startIdp(next, port);
    await rootClient(vault).write('secret/data/ai-la/oidc', { data: { 'client-secret': next } });
    await rotated('oidc:dev');
    await signIn(appliance, 'dev@ai-la.dev');

    // The backend gets a new API key; the agent renders the new file.
    const simPort = Number(new URL(sim.url).port);
    await sim.close();
    sim = await startSimulator({ models: [MODEL], apiKey: 'key-two', port: simPort });
    writeBackends('key-two');
    await rotated('backend:sim');
    // The health check (every 500 ms, with the new key) brings the restarted backend back.
    const deadline = Date.now() + 20000;
    for (;;) {
      const answer = await chat(apiKey).catch((err: Error) => err);
      if (!(answer instanceof Error)) break;
      assert.ok(Date.now() < deadline, `the backend did not come back: ${answer.message}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const text = JSON.stringify(logs);
    assert.ok(!text.includes(next) && !text.includes('key-two'), 'rotated values never reach the logs');
  });
});
