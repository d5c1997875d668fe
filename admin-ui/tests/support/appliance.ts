/**
 * The real appliance for browser tests: the development OIDC provider as IdP (an OIDC connection
 * `dev`, as `aila dev` and identity's own tests configure it), optionally the model simulator as
 * gateway backend, a fresh database, and the web UI served by the web module.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { loadConfig } from '../../../server/src/config/index.js';
import { DEFAULT_DEV_USERS, type DevIdp, startDevIdp } from '../../../server/src/dev/idp/index.js';
import { type RunningSimulator, startSimulator } from '../../../server/src/dev/simulator/index.js';
import { type Appliance, startAppliance } from '../../../server/src/main.js';
import { createLogger } from '../../../server/src/platform/logger.js';
import { createWebModule } from '../../../server/src/web/index.js';
import { createTestDatabase, type TestDatabase } from '../../../server/test/support/database.js';

export const SIM_MODEL = 'ai-la/sim-coder-7b';

export interface UiAppliance {
  /** Public URL the browser uses (http://127.0.0.1:<port>). */
  url: string;
  app: Appliance;
  idp: DevIdp;
  simulator: RunningSimulator | undefined;
  logs: Array<Record<string, unknown>>;
  stop(): Promise<void>;
}

export const freePort = () =>
  new Promise<number>((ok, ko) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => ok(port));
    });
    server.on('error', ko);
  });

function memory(lines: Array<Record<string, unknown>>): Writable {
  return new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line) lines.push(JSON.parse(line));
      done();
    },
  });
}

export async function startUiAppliance(options: {
  distDir: string;
  gateway?: boolean;
  env?: Record<string, string>;
}): Promise<UiAppliance> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const clientSecret = randomBytes(24).toString('base64url');
  const cleanups: Array<() => Promise<unknown>> = [];
  const stop = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
    cleanups.length = 0;
  };
  try {
    const idp = await startDevIdp({
      clients: [
        {
          clientId: 'ai-la',
          clientSecret,
          redirectUris: [`${url}/auth/oidc/dev/callback`],
          postLogoutRedirectUris: [`${url}/`],
        },
      ],
      users: [...DEFAULT_DEV_USERS],
    });
    cleanups.push(() => idp.close());
    const simulator = options.gateway
      ? await startSimulator({ models: [SIM_MODEL], latency: { firstTokenMs: 40, interTokenMs: 15 } })
      : undefined;
    if (simulator) cleanups.push(() => simulator.close());
    const keysDir = await mkdtemp(join(tmpdir(), 'aila-ui-keys-'));
    cleanups.push(() => rm(keysDir, { recursive: true, force: true }));
    const database: TestDatabase = await createTestDatabase();
    cleanups.push(() => database.drop());
    const connection = {
      name: 'dev',
      displayName: 'Development IdP',
      issuer: idp.issuer,
      clientId: 'ai-la',
      clientSecret,
      scopes: ['openid', 'email', 'profile', 'groups'],
      groupRoles: { 'ai-la-admins': 'admin', 'ai-la-auditors': 'auditor', 'ai-la-developers': 'developer' },
      domains: ['ai-la.dev'],
      allowInsecureHttp: true,
    };
    const config = await loadConfig({
      env: {
        AILA_DATABASE_URL: database.url,
        AILA_DATABASE_MIGRATE_ON_START: 'true',
        AILA_SERVER_HOST: '127.0.0.1',
        AILA_SERVER_PORT: String(port),
        AILA_SERVER_PUBLIC_URL: url,
        AILA_METRICS_ENABLED: 'false',
        AILA_SERVER_SHUTDOWN_TIMEOUT_MS: '5000',
        AILA_AUTH_OIDC_CONNECTIONS: JSON.stringify([connection]),
        // http://127.0.0.1 cannot hold a Secure __Host- cookie.
        AILA_AUTH_SESSION_INSECURE_COOKIES: 'true',
        ...(simulator
          ? {
              AILA_GATEWAY_BACKENDS: JSON.stringify([
                { name: 'sim', url: simulator.url, models: [SIM_MODEL] },
              ]),
              // Usage is written at once, so dashboards show a call as soon as it ends.
              AILA_GATEWAY_USAGE_BATCH_SIZE: '1',
            }
          : {}),
        // Generated (development) signing keys, in a directory of this run only.
        AILA_EVIDENCE_KEYS_DIR: keysDir,
        ...options.env,
      },
    });
    const logs: Array<Record<string, unknown>> = [];
    const log = createLogger({ level: 'info', destination: memory(logs) });
    const web = createWebModule({ distDir: options.distDir });
    const app = await startAppliance(config, { production: false }, log, {
      extend: (express) => {
        express.use(web.router);
      },
    });
    cleanups.push(() => app.shutdown('test finished'));
    return { url, app, idp, simulator, logs, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
