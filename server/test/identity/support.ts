import { randomBytes } from 'node:crypto';
import { DEFAULT_DEV_USERS, type DevIdp, type DevUser, startDevIdp } from '../../src/dev/idp/index.js';
import { CookieJar, loginWithDevIdp } from '../../src/dev/idp/test-login.js';
import { startTestAppliance, type TestAppliance } from '../support/appliance.js';

/** The appliance's public URL in these tests; requests to it are sent to the test listener. */
export const PUBLIC_URL = 'https://ai-la.test';

/** The group of the seeded team lead, mapped to team_admin of team `payments`. */
export const TEAM_LEADS_GROUP = 'ai-la-payments-leads';

/** A team admin of `payments`, seeded next to the default development users. */
export const TEAM_LEAD: DevUser = {
  sub: '6f1c2a8e-3b4d-4e5f-8a9b-0c1d2e3f4a04',
  email: 'lead@ai-la.dev',
  name: 'Terry Teamlead',
  preferredUsername: 'lead',
  groups: [TEAM_LEADS_GROUP],
};

/** A user in no mapped group: signs in at the IdP, is entitled to nothing in the appliance. */
export const OUTSIDER: DevUser = {
  sub: '6f1c2a8e-3b4d-4e5f-8a9b-0c1d2e3f4a05',
  email: 'guest@ai-la.dev',
  name: 'Gus Guest',
  preferredUsername: 'guest',
  groups: ['somewhere-else'],
};

/** A real development IdP and a real appliance wired to it through the `dev` OIDC connection. */
export interface SsoFixture {
  idp: DevIdp;
  app: TestAppliance;
  stop(): Promise<void>;
}

/**
 * Starts the development IdP (in-process) and the appliance with an OIDC connection `dev` to it, plus
 * `extraConnections` as given (in configuration form).
 */
export async function startSsoFixture(
  env: Record<string, string> = {},
  extraConnections: Array<Record<string, unknown>> = [],
): Promise<SsoFixture> {
  const clientSecret = randomBytes(24).toString('base64url');
  const idp = await startDevIdp({
    clients: [
      {
        clientId: 'ai-la',
        clientSecret,
        redirectUris: [`${PUBLIC_URL}/auth/oidc/dev/callback`],
        postLogoutRedirectUris: [`${PUBLIC_URL}/`],
      },
    ],
    users: [...DEFAULT_DEV_USERS, TEAM_LEAD, OUTSIDER],
  });
  const connection = {
    name: 'dev',
    displayName: 'Development IdP',
    issuer: idp.issuer,
    clientId: 'ai-la',
    clientSecret,
    scopes: ['openid', 'email', 'profile', 'groups'],
    groupRoles: { 'ai-la-admins': 'admin', 'ai-la-auditors': 'auditor', 'ai-la-developers': 'developer' },
    groupTeams: { [TEAM_LEADS_GROUP]: { team: 'payments', role: 'team_admin' } },
    domains: ['ai-la.dev'],
    allowInsecureHttp: true,
  };
  let app: TestAppliance;
  try {
    app = await startTestAppliance({
      AILA_SERVER_PUBLIC_URL: PUBLIC_URL,
      AILA_AUTH_OIDC_CONNECTIONS: JSON.stringify([connection, ...extraConnections]),
      ...env,
    });
  } catch (err) {
    await idp.close();
    throw err;
  }
  return {
    idp,
    app,
    stop: async () => {
      await app.stop();
      await idp.close();
    },
  };
}

/**
 * A browser for the appliance: keeps its cookies (all set with Path=/ and no Domain), follows no
 * redirects, and sends requests for PUBLIC_URL to the test listener.
 */
export class Browser {
  readonly cookies = new Map<string, string>();
  csrfToken: string | undefined;

  constructor(private readonly baseUrl: string) {}

  /** Sends a request; `path` may be absolute on PUBLIC_URL (e.g. the IdP's redirect back). */
  async fetch(path: string, init: RequestInit & { json?: unknown } = {}): Promise<Response> {
    const target = path.startsWith(PUBLIC_URL) ? path.slice(PUBLIC_URL.length) : path;
    const headers = new Headers(init.headers);
    if (this.cookies.size > 0) {
      headers.set('cookie', [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; '));
    }
    let body = init.body;
    if (init.json !== undefined) {
      headers.set('content-type', 'application/json');
      body = JSON.stringify(init.json);
    }
    const response = await fetch(`${this.baseUrl}${target}`, { ...init, headers, body, redirect: 'manual' });
    for (const header of response.headers.getSetCookie()) {
      const [pair = ''] = header.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      if (/;\s*Max-Age=0/i.test(header) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return response;
  }

  /**
   * A state-changing request with the session's CSRF token (read from /api/v1/me), as the web UI
   * sends it. Without a session there is no token and the request goes without one.
   */
  async send(method: string, path: string, json?: unknown): Promise<Response> {
    this.csrfToken ??= (
      (await (await this.fetch('/api/v1/me')).json()) as { csrf_token?: string }
    ).csrf_token;
    return this.fetch(path, {
      method,
      headers: this.csrfToken ? { 'x-csrf-token': this.csrfToken } : {},
      ...(json === undefined ? {} : { json }),
    });
  }

  async json<T>(path: string): Promise<T> {
    const response = await this.fetch(path);
    if (response.status !== 200)
      throw new Error(`GET ${path}: HTTP ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  }
}

/** The IdP's answer to a started sign-in: the callback URL on PUBLIC_URL, with code and state. */
export async function startLogin(
  browser: Browser,
  email: string,
  options: { returnTo?: string; idpJar?: CookieJar } = {},
): Promise<string> {
  const query = new URLSearchParams({
    connection: 'dev',
    ...(options.returnTo ? { return_to: options.returnTo } : {}),
  });
  const start = await browser.fetch(`/auth/login?${query}`);
  if (start.status !== 302) throw new Error(`/auth/login: HTTP ${start.status} ${await start.text()}`);
  return loginWithDevIdp(start.headers.get('location') ?? '', email, options.idpJar ?? new CookieJar());
}

/** Signs in through the real IdP and returns the browser holding the session. */
export async function signIn(app: Pick<TestAppliance, 'url'>, email: string): Promise<Browser> {
  const browser = new Browser(app.url);
  const callback = await startLogin(browser, email);
  const landed = await browser.fetch(callback);
  if (landed.status !== 302) throw new Error(`callback: HTTP ${landed.status} ${await landed.text()}`);
  return browser;
}

/** Error code of a JSON error response. */
export async function errorCode(response: Response): Promise<string | undefined> {
  const body = (await response.json()) as { error?: { code?: string } };
  return body.error?.code;
}
