import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { Config, Runtime } from '../config/index.js';
import { startDevIdp } from '../dev/idp/index.js';
import { startSimulator } from '../dev/simulator/index.js';
import type { OidcConnectionConfig } from '../identity/index.js';
import { fail } from './fail.js';
import { type Companions, serve } from './serve.js';

/** The OIDC connection name under which the appliance knows the development IdP. */
export const DEV_CONNECTION = 'dev';
const DEFAULT_PUBLIC_URL = 'http://localhost:8080';

/**
 * `aila dev`: the real appliance on an embedded PostgreSQL (migrated at start), with a development
 * OIDC provider and a simulated OpenAI-compatible model backend on loopback. Refuses production.
 */
export async function dev(): Promise<void> {
  await serve({ prepare: startCompanions });
}

/**
 * The URL the development appliance is reached at: `server.publicUrl`, or, while that is still the
 * default, the loopback URL of the configured port (so `AILA_SERVER_PORT=9090` alone works).
 */
export function devPublicUrl(server: Config['server']): string {
  const url = server.publicUrl.replace(/\/+$/, '');
  if (url === DEFAULT_PUBLIC_URL && server.port !== 0 && server.port !== 8080) {
    return `http://localhost:${server.port}`;
  }
  return url;
}

async function startCompanions(config: Config, runtime: Runtime, log: Logger): Promise<Companions> {
  if (runtime.production)
    fail(new Error('`aila dev` runs development-only parts and refuses NODE_ENV=production'));
  const publicUrl = devPublicUrl(config.server);
  const clientSecret = randomBytes(24).toString('base64url');
  const idp = await startDevIdp({
    host: '127.0.0.1',
    port: config.dev.idpPort,
    clients: [
      {
        clientId: 'ai-la',
        clientSecret,
        redirectUris: [`${publicUrl}/auth/oidc/${DEV_CONNECTION}/callback`],
        postLogoutRedirectUris: [`${publicUrl}/`],
      },
    ],
    log,
  });
  const simulator = await startSimulator({ host: '127.0.0.1', port: config.dev.simulatorPort }).catch(
    async (err) => {
      await idp.close();
      throw err;
    },
  );
  // The appliance signs in through the development IdP like through a customer's: one OIDC connection.
  const connection: OidcConnectionConfig = {
    name: DEV_CONNECTION,
    displayName: 'Development IdP',
    issuer: idp.issuer,
    clientId: 'ai-la',
    clientSecret,
    tokenEndpointAuthMethod: 'client_secret_basic',
    scopes: ['openid', 'email', 'profile', 'groups'],
    claims: { email: 'email', name: 'name', groups: 'groups' },
    groupRoles: { 'ai-la-admins': 'admin', 'ai-la-auditors': 'auditor', 'ai-la-developers': 'developer' },
    groupTeams: {},
    domains: [],
    allowInsecureHttp: true,
  };
  const { auth } = config;
  return {
    config: {
      ...config,
      server: { ...config.server, publicUrl },
      database: { ...config.database, migrateOnStart: true },
      // The gateway serves the simulated model unless backends are configured.
      gateway:
        config.gateway.backends.length > 0
          ? config.gateway
          : {
              ...config.gateway,
              backends: [{ name: 'simulator', url: simulator.url, weight: 1, maxConcurrency: 0, labels: {} }],
            },
      auth: {
        ...auth,
        oidc: {
          connections: [...auth.oidc.connections.filter((c) => c.name !== DEV_CONNECTION), connection],
        },
        // A __Host- cookie needs Secure, which browsers refuse over http://localhost.
        session: {
          ...auth.session,
          insecureCookies: auth.session.insecureCookies || publicUrl.startsWith('http://'),
        },
      },
    },
    banner: (url) =>
      [
        '',
        `  AI-LA appliance (development)    ${publicUrl}   (listening on ${url})`,
        `  readiness                        ${publicUrl}/readyz`,
        `  sign in                          ${publicUrl}/auth/login?connection=${DEV_CONNECTION}`,
        `  development OIDC provider        ${idp.issuer}`,
        ...idp.users.map((u) => `    sign in as ${u.email.padEnd(22)} (${u.groups.join(', ')})`),
        `  simulated model backend          ${simulator.url}/v1`,
        '',
        '',
      ].join('\n'),
    stop: async () => {
      await Promise.all([idp.close(), simulator.close()]);
    },
  };
}
