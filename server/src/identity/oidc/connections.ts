import * as client from 'openid-client';
import type { OidcConnectionConfig } from '../config-schema.js';
import { domainOf } from './claims.js';

/** Seconds an IdP has to answer discovery, token and UserInfo requests. */
const IDP_TIMEOUT_SECONDS = 10;

/** One configured OIDC connection with its lazily discovered client configuration. */
export class OidcConnection {
  /** The redirect URI registered at the IdP (OIDC Core 1.0 §3.1.2.1). */
  readonly redirectUri: string;
  readonly postLogoutRedirectUri: string;
  #client: Promise<client.Configuration> | undefined;
  #clientSecret: string;

  constructor(
    readonly config: OidcConnectionConfig,
    publicUrl: string,
  ) {
    this.#clientSecret = config.clientSecret;
    const base = publicUrl.replace(/\/+$/, '');
    this.redirectUri = `${base}/auth/oidc/${config.name}/callback`;
    this.postLogoutRedirectUri = config.postLogoutRedirectUrl ?? `${base}/`;
  }

  get name(): string {
    return this.config.name;
  }

  get displayName(): string {
    return this.config.displayName ?? this.config.name;
  }

  /**
   * Authenticates to the IdP with a rotated client secret from the next sign-in on (the client
   * configuration is built again). Returns false when the secret is unchanged.
   */
  setClientSecret(secret: string): boolean {
    if (secret === this.#clientSecret) return false;
    this.#clientSecret = secret;
    this.#client = undefined;
    return true;
  }

  /**
   * The client configuration, from OIDC Discovery 1.0 §4 on first use and then cached. A failed
   * discovery is not cached, so the next sign-in retries (the IdP may have been down at boot).
   */
  client(): Promise<client.Configuration> {
    this.#client ??= this.discover().catch((err: unknown) => {
      this.#client = undefined;
      throw err;
    });
    return this.#client;
  }

  /**
   * Discovers again now, bypassing the cached configuration (the connections page checks the IdP
   * live); a success also refreshes the cache sign-ins use.
   */
  async probe(): Promise<client.Configuration> {
    const configuration = await this.discover();
    this.#client = Promise.resolve(configuration);
    return configuration;
  }

  private async discover(): Promise<client.Configuration> {
    const { issuer, clientId, tokenEndpointAuthMethod, allowInsecureHttp } = this.config;
    const clientSecret = this.#clientSecret;
    const auth =
      tokenEndpointAuthMethod === 'client_secret_post'
        ? client.ClientSecretPost(clientSecret)
        : client.ClientSecretBasic(clientSecret);
    const configuration = await client.discovery(new URL(issuer), clientId, undefined, auth, {
      ...(allowInsecureHttp ? { execute: [client.allowInsecureRequests] } : {}),
      timeout: IDP_TIMEOUT_SECONDS,
    });
    configuration.timeout = IDP_TIMEOUT_SECONDS;
    return configuration;
  }
}

/** Refuses connection settings that would fail or be unsafe at sign-in time; returns every problem. */
export function connectionProblems(configs: readonly OidcConnectionConfig[]): string[] {
  const problems: string[] = [];
  const names = new Set<string>();
  for (const [i, c] of configs.entries()) {
    const where = `auth.oidc.connections[${i}] (${c.name})`;
    if (names.has(c.name)) problems.push(`${where}: duplicate connection name`);
    names.add(c.name);
    // OIDC Core 1.0 §3.1.2.1: an OpenID request must include the openid scope.
    if (!c.scopes.includes('openid')) problems.push(`${where}: scopes must include openid`);
    if (c.issuer.startsWith('http://') && !c.allowInsecureHttp) {
      problems.push(`${where}: issuer uses http://; use https:// (or allowInsecureHttp for development)`);
    }
  }
  return problems;
}

/** The configured connections, by name and by e-mail domain. */
export class OidcConnections {
  readonly #byName = new Map<string, OidcConnection>();

  constructor(configs: readonly OidcConnectionConfig[], publicUrl: string) {
    const problems = connectionProblems(configs);
    if (problems.length > 0) throw new Error(`invalid SSO configuration:\n  - ${problems.join('\n  - ')}`);
    for (const config of configs) this.#byName.set(config.name, new OidcConnection(config, publicUrl));
  }

  list(): OidcConnection[] {
    return [...this.#byName.values()];
  }

  byName(name: string): OidcConnection | undefined {
    return this.#byName.get(name);
  }

  /**
   * The connection that lists this e-mail's domain, else the one connection without a domain list
   * when it is the only connection.
   */
  byEmail(email: string): OidcConnection | undefined {
    const domain = domainOf(email);
    const all = this.list();
    const listed = all.find((c) => c.config.domains.includes(domain));
    if (listed) return listed;
    const [only] = all;
    return all.length === 1 && only?.config.domains.length === 0 ? only : undefined;
  }
}
