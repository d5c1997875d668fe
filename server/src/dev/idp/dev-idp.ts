/**
 * The development OpenID Connect provider started by `aila dev` (ARCHITECTURE.md, "aila dev"): a real
 * oidc-provider instance on its own port, so a newcomer signs in to the appliance through the same SSO
 * code path a customer's IdP uses, within a minute and without an account anywhere.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { errors, type KoaContextWithOIDC } from 'oidc-provider';
import type { Logger } from 'pino';
import { buildConfiguration, type DevIdpClient } from './configuration.js';
import { createInteractionHandler } from './interactions.js';
import { createUserDirectory, DEFAULT_DEV_USERS, type DevUser } from './users.js';
import { STYLESHEET, STYLESHEET_PATH } from './views.js';

/** Options of {@link startDevIdp}. */
export interface DevIdpOptions {
  /** Interface to listen on; defaults to 127.0.0.1 so the password-less IdP is not reachable from outside. */
  host?: string;
  /** Port to listen on; 0 (the default) picks a free one. */
  port?: number;
  /** Issuer URL (origin only); defaults to `http://<host>:<port>`. */
  issuer?: string;
  /** Relying parties allowed to sign in; the appliance itself is the usual one. */
  clients: DevIdpClient[];
  /** People who can sign in; defaults to {@link DEFAULT_DEV_USERS}. */
  users?: DevUser[];
  log?: Logger;
}

/** A running development IdP. */
export interface DevIdp {
  /** Issuer identifier; `<issuer>/.well-known/openid-configuration` is its discovery document. */
  issuer: string;
  /** Copies of the users who can sign in. */
  users: DevUser[];
  /** Stops listening and drops open connections. */
  close(): Promise<void>;
}

/**
 * Throws when running in production. This guard is the one place outside config/ that reads
 * process.env, on purpose: the check must hold however the IdP is started, even if a caller wires it
 * up without going through the validated configuration (ARCHITECTURE.md: "The development pieces
 * refuse to start when NODE_ENV=production").
 */
export function assertDevelopmentEnvironment(): void {
  if (process.env.NODE_ENV === 'production') {
    throw new Error(
      'The development OIDC identity provider signs anyone in without a password and is for development ' +
        'only; it refuses to start with NODE_ENV=production. Configure a real identity provider instead.',
    );
  }
}

/** URL host part for a listen address: IPv6 literals in brackets, wildcard addresses as loopback. */
function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

/**
 * OIDC Discovery 1.0 §3: the issuer is an http(s) URL without query or fragment. A path is refused
 * because the IdP serves its endpoints and interaction pages from the root.
 */
function normalizeIssuer(issuer: string): string {
  if (!URL.canParse(issuer)) {
    throw new Error(`development IdP: issuer ${issuer} is not a URL`);
  }
  const url = new URL(issuer);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`development IdP: issuer ${issuer} must be an http or https URL`);
  }
  if (url.pathname !== '/' || url.search !== '' || url.hash !== '' || url.username !== '') {
    throw new Error(
      `development IdP: issuer ${issuer} must be an origin only (no path, query or credentials)`,
    );
  }
  return url.origin;
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    // Browsers and fetch keep connections alive; without this close() would wait for them to idle out.
    server.closeAllConnections();
  });
}

function serveStylesheet(res: ServerResponse): void {
  res.statusCode = 200;
  res.setHeader('Content-Type', 'text/css; charset=utf-8');
  res.setHeader('Cache-Control', 'public, max-age=300');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.end(STYLESHEET);
}

function logProviderEvents(provider: Provider, log: Logger): void {
  provider.on('server_error', (_ctx, err) => log.error({ err }, 'dev idp server error'));
  const rejected = (event: string) => (_ctx: KoaContextWithOIDC, err: errors.OIDCProviderError) =>
    log.warn({ event, error: err.error, description: err.error_description }, 'dev idp rejected a request');
  provider.on('authorization.error', rejected('authorization.error'));
  provider.on('grant.error', rejected('grant.error'));
  provider.on('end_session.error', rejected('end_session.error'));
  provider.on('userinfo.error', rejected('userinfo.error'));
  provider.on('end_session.success', (ctx) =>
    log.info({ clientId: ctx.oidc.client?.clientId }, 'dev idp sign-out'),
  );
}

/**
 * Starts the development OIDC provider: authorization code flow with PKCE (S256) required, seeded users,
 * consent auto-granted to the configured clients, RP-initiated logout, RS256 and ES256 keys generated
 * for this run. Throws when NODE_ENV is `production` or when the options are invalid.
 */
export async function startDevIdp(opts: DevIdpOptions): Promise<DevIdp> {
  assertDevelopmentEnvironment();
  if (opts.clients.length === 0) {
    throw new Error('development IdP: at least one client is required');
  }
  const directory = createUserDirectory(opts.users ?? DEFAULT_DEV_USERS);
  // Built before listening so bad options fail without opening a port.
  const configuration = buildConfiguration(opts.clients, directory);
  const host = opts.host ?? '127.0.0.1';
  const log = opts.log?.child({ component: 'dev-idp' });

  let route: ((req: IncomingMessage, res: ServerResponse) => Promise<void>) | undefined;
  const server = createServer((req, res) => {
    if (!route) {
      res.statusCode = 503;
      res.end();
      return;
    }
    route(req, res).catch((error: unknown) => {
      log?.error({ err: error }, 'dev idp request failed');
      if (!res.headersSent) res.statusCode = 500;
      res.end();
    });
  });
  await listen(server, opts.port ?? 0, host);

  try {
    const { port } = server.address() as AddressInfo;
    const issuer = normalizeIssuer(opts.issuer ?? `http://${urlHost(host)}:${port}`);
    const provider = new Provider(issuer, configuration);
    // Behind a TLS-terminating proxy the https issuer needs X-Forwarded-Proto to set Secure cookies.
    provider.proxy = issuer.startsWith('https:');
    // Static clients are validated lazily by oidc-provider; load each now so a bad redirect URI fails
    // the start instead of the first sign-in.
    for (const client of opts.clients) {
      await provider.Client.find(client.clientId).catch((cause: unknown) => {
        const reason = cause instanceof errors.OIDCProviderError ? cause.error_description : undefined;
        throw new Error(`development IdP: client ${client.clientId} is invalid: ${reason ?? String(cause)}`, {
          cause,
        });
      });
    }
    if (log) logProviderEvents(provider, log);

    const interactions = createInteractionHandler({
      provider,
      directory,
      clientIds: new Set(opts.clients.map((client) => client.clientId)),
      issuerOrigin: issuer,
      ...(log ? { log } : {}),
    });
    const oidc = provider.callback();
    route = async (req, res) => {
      if (req.method === 'GET' && req.url === STYLESHEET_PATH) {
        serveStylesheet(res);
        return;
      }
      if (await interactions(req, res)) return;
      await oidc(req, res);
    };
    log?.info({ issuer, clients: opts.clients.map((client) => client.clientId) }, 'dev idp listening');
    return {
      issuer,
      users: directory.users.map((user) => ({ ...user, groups: [...user.groups] })),
      close: () => closeServer(server),
    };
  } catch (error) {
    await closeServer(server);
    throw error;
  }
}
