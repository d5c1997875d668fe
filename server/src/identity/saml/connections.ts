import { createPrivateKey, randomBytes, X509Certificate } from 'node:crypto';
import { type CacheProvider, SAML, type SamlConfig, ValidateInResponseTo } from '@node-saml/node-saml';
import type { Logger } from 'pino';
import { domainOf } from '../oidc/claims.js';
import { NAME_ID_FORMATS, type SamlConnectionConfig } from './config-schema.js';
import { type IdpMetadata, normaliseCertificate, parseIdpMetadata } from './metadata.js';

/** Seconds the IdP has to serve its metadata. */
const METADATA_TIMEOUT_MS = 10_000;
/** Metadata fetched from a URL is refreshed this often (IdP key rotation). */
const METADATA_TTL_MS = 3_600_000;
const MAX_METADATA_BYTES = 1_048_576;

/** The IdP as the appliance uses it: metadata merged with the connection's explicit settings. */
export interface ResolvedIdp {
  entityId: string | undefined;
  ssoUrl: string;
  sloUrl: string | undefined;
  certs: string[];
}

/** A SAML message id: `_` and 160 random bits (SAML 2.0 core §1.3.4: xs:ID, unpredictable). */
export const newMessageId = () => `_${randomBytes(20).toString('hex')}`;

/** One configured SAML connection: its SP endpoints and its IdP, from metadata or configuration. */
export class SamlConnection {
  readonly acsUrl: string;
  readonly sloUrl: string;
  readonly metadataUrl: string;
  readonly spEntityId: string;
  readonly nameIdFormat: string;
  #static: IdpMetadata | undefined;
  #fetched: { idp: IdpMetadata; at: number } | undefined;
  #fetching: Promise<IdpMetadata> | undefined;

  constructor(
    readonly config: SamlConnectionConfig,
    publicUrl: string,
    private readonly log: Logger,
  ) {
    const base = `${publicUrl.replace(/\/+$/, '')}/auth/saml/${config.name}`;
    this.acsUrl = `${base}/acs`;
    this.sloUrl = `${base}/slo`;
    this.metadataUrl = `${base}/metadata`;
    this.spEntityId = config.sp.entityId ?? this.metadataUrl;
    this.nameIdFormat = NAME_ID_FORMATS[config.nameIdFormat];
    if (config.idp.metadataXml) this.#static = parseIdpMetadata(config.idp.metadataXml);
  }

  get name(): string {
    return this.config.name;
  }

  get displayName(): string {
    return this.config.displayName ?? this.config.name;
  }

  /** When the IdP metadata was last fetched from `idp.metadataUrl` (undefined: never, or not by URL). */
  get metadataFetchedAt(): Date | undefined {
    return this.#fetched ? new Date(this.#fetched.at) : undefined;
  }

  /**
   * The IdP settings: explicit configuration wins over metadata; certificates from both are trusted
   * (several at once during a key rotation). Metadata from a URL is fetched on first use and
   * refreshed hourly; a failed refresh keeps the last good copy.
   */
  async idp(): Promise<ResolvedIdp> {
    const { idp } = this.config;
    const metadata =
      this.#static ?? (idp.metadataUrl ? await this.fetchedMetadata(idp.metadataUrl) : undefined);
    const ssoUrl = idp.ssoUrl ?? metadata?.ssoUrl;
    if (!ssoUrl)
      throw new Error(`SAML connection ${this.name}: the IdP has no HTTP-Redirect SingleSignOnService`);
    const certs = [...new Set([...idp.certs.map(normaliseCertificate), ...(metadata?.certs ?? [])])];
    if (certs.length === 0) throw new Error(`SAML connection ${this.name}: no IdP signing certificate`);
    return {
      entityId: idp.entityId ?? metadata?.entityId,
      ssoUrl,
      sloUrl: idp.sloUrl ?? metadata?.sloUrl,
      certs,
    };
  }

  private async fetchedMetadata(url: string): Promise<IdpMetadata> {
    const fresh = this.#fetched && Date.now() - this.#fetched.at < METADATA_TTL_MS;
    if (this.#fetched && fresh) return this.#fetched.idp;
    this.#fetching ??= fetchMetadata(url)
      .then((idp) => {
        this.#fetched = { idp, at: Date.now() };
        return idp;
      })
      .catch((err: unknown) => {
        if (!this.#fetched) throw err;
        this.log.warn({ err, connection: this.name }, 'SAML metadata refresh failed; keeping the last copy');
        return this.#fetched.idp;
      })
      .finally(() => {
        this.#fetching = undefined;
      });
    return this.#fetching;
  }

  /**
   * A node-saml service provider for one operation: signed, sha256, signed response AND signed
   * assertion required, audience, InResponseTo always validated against `cache`, the connection's
   * clock skew. `requestId` is the id given to the request this operation sends, if any.
   */
  saml(
    idp: ResolvedIdp,
    cache: CacheProvider,
    options: {
      requestId?: string;
      ttlMs: number;
      inResponseTo?: ValidateInResponseTo;
      /** SAML 2.0 core §3.4.1 ForceAuthn: the IdP must authenticate the person again (test sign-ins). */
      forceAuthn?: boolean;
    },
  ): SAML {
    const requestId = options.requestId ?? newMessageId();
    const config: SamlConfig = {
      callbackUrl: this.acsUrl,
      issuer: this.spEntityId,
      audience: this.spEntityId,
      idpCert: idp.certs,
      ...(idp.entityId ? { idpIssuer: idp.entityId } : {}),
      entryPoint: idp.ssoUrl,
      logoutUrl: idp.sloUrl ?? idp.ssoUrl,
      logoutCallbackUrl: this.sloUrl,
      privateKey: this.config.sp.privateKey,
      publicCert: this.config.sp.certificate,
      signatureAlgorithm: 'sha256',
      identifierFormat: this.nameIdFormat,
      // Requested authentication contexts make Entra ID and ADFS refuse MFA and Kerberos sign-ins.
      disableRequestedAuthnContext: true,
      wantAssertionsSigned: true,
      wantAuthnResponseSigned: true,
      validateInResponseTo: options.inResponseTo ?? ValidateInResponseTo.always,
      requestIdExpirationPeriodMs: options.ttlMs,
      acceptedClockSkewMs: this.config.clockSkewMs,
      cacheProvider: cache,
      generateUniqueId: () => requestId,
      ...(options.forceAuthn ? { forceAuthn: true } : {}),
    };
    return new SAML(config);
  }
}

async function fetchMetadata(url: string): Promise<IdpMetadata> {
  const response = await fetch(url, { signal: AbortSignal.timeout(METADATA_TIMEOUT_MS), redirect: 'error' });
  if (!response.ok) throw new Error(`IdP metadata ${url}: HTTP ${response.status}`);
  const text = await response.text();
  if (text.length > MAX_METADATA_BYTES) throw new Error(`IdP metadata ${url}: larger than 1 MiB`);
  return parseIdpMetadata(text);
}

/** Problems that would make a connection fail or be unsafe at sign-in time; every one is returned. */
export function samlConnectionProblems(configs: readonly SamlConnectionConfig[]): string[] {
  const problems: string[] = [];
  const names = new Set<string>();
  for (const [i, c] of configs.entries()) {
    const where = `auth.saml.connections[${i}] (${c.name})`;
    if (names.has(c.name)) problems.push(`${where}: duplicate connection name`);
    names.add(c.name);
    const { idp, sp } = c;
    if (idp.metadataXml && idp.metadataUrl)
      problems.push(`${where}: give idp.metadataXml or idp.metadataUrl, not both`);
    if (!idp.metadataXml && !idp.metadataUrl && !(idp.entityId && idp.ssoUrl && idp.certs.length > 0)) {
      problems.push(
        `${where}: give idp.metadataXml, idp.metadataUrl, or idp.entityId + idp.ssoUrl + idp.certs`,
      );
    }
    if (idp.metadataUrl?.startsWith('http://') && !c.allowInsecureHttp) {
      problems.push(
        `${where}: idp.metadataUrl uses http://; use https:// (or allowInsecureHttp for development)`,
      );
    }
    if (idp.metadataXml) {
      try {
        const metadata = parseIdpMetadata(idp.metadataXml);
        if (!metadata.ssoUrl && !idp.ssoUrl)
          problems.push(`${where}: the metadata has no HTTP-Redirect SingleSignOnService`);
        if (metadata.certs.length === 0 && idp.certs.length === 0)
          problems.push(`${where}: the metadata has no signing certificate`);
      } catch (err) {
        problems.push(`${where}: idp.metadataXml is not valid IdP metadata (${(err as Error).message})`);
      }
    }
    for (const [j, cert] of idp.certs.entries()) {
      try {
        normaliseCertificate(cert);
      } catch {
        problems.push(`${where}: idp.certs[${j}] is not a PEM X.509 certificate`);
      }
    }
    try {
      const key = createPrivateKey(sp.privateKey);
      if (!new X509Certificate(sp.certificate).checkPrivateKey(key)) {
        problems.push(`${where}: sp.certificate does not belong to sp.privateKey`);
      }
    } catch {
      problems.push(
        `${where}: sp.privateKey and sp.certificate must be a PEM private key and its certificate`,
      );
    }
  }
  return problems;
}

/** The configured SAML connections, by name and by e-mail domain. */
export class SamlConnections {
  readonly #byName = new Map<string, SamlConnection>();

  constructor(configs: readonly SamlConnectionConfig[], publicUrl: string, log: Logger) {
    const problems = samlConnectionProblems(configs);
    if (problems.length > 0) throw new Error(`invalid SSO configuration:\n  - ${problems.join('\n  - ')}`);
    for (const config of configs) this.#byName.set(config.name, new SamlConnection(config, publicUrl, log));
  }

  list(): SamlConnection[] {
    return [...this.#byName.values()];
  }

  byName(name: string): SamlConnection | undefined {
    return this.#byName.get(name);
  }

  /** The connection that lists this e-mail's domain. */
  byEmail(email: string): SamlConnection | undefined {
    const domain = domainOf(email);
    return this.list().find((c) => c.config.domains.includes(domain));
  }
}
