import { X509Certificate } from 'node:crypto';
import type { OidcConnection } from '../oidc/connections.js';
import type { SamlConnection } from '../saml/connections.js';

/** A certificate expiring within this many days is flagged. */
export const EXPIRY_WARNING_DAYS = 30;
const DAY_MS = 86_400_000;
/** Seconds the JWKS of an OIDC IdP has to answer the status check. */
const JWKS_TIMEOUT_MS = 5000;

/** A signing certificate as the status shows it. */
export interface CertificateStatus {
  subject: string;
  issuer: string;
  serial: string;
  fingerprint_sha256: string;
  valid_from: string;
  valid_to: string;
  days_left: number;
  /** expired, expiring (within {@link EXPIRY_WARNING_DAYS} days) or ok. */
  state: 'ok' | 'expiring' | 'expired' | 'not_yet_valid';
}

/** The facts of a PEM certificate that an admin checks before a rotation. */
export function certificateStatus(pem: string, now = Date.now()): CertificateStatus {
  const cert = new X509Certificate(pem);
  const validFrom = new Date(cert.validFrom).getTime();
  const validTo = new Date(cert.validTo).getTime();
  const daysLeft = Math.floor((validTo - now) / DAY_MS);
  const state =
    validTo <= now
      ? 'expired'
      : validFrom > now
        ? 'not_yet_valid'
        : daysLeft < EXPIRY_WARNING_DAYS
          ? 'expiring'
          : 'ok';
  return {
    subject: cert.subject.replaceAll('\n', ', '),
    issuer: cert.issuer.replaceAll('\n', ', '),
    serial: cert.serialNumber,
    fingerprint_sha256: cert.fingerprint256,
    valid_from: new Date(validFrom).toISOString(),
    valid_to: new Date(validTo).toISOString(),
    days_left: daysLeft,
    state,
  };
}

/** Why a check failed, in words an admin can act on (the cause's code when there is one). */
function problemOf(err: unknown): string {
  if (!(err instanceof Error)) return 'unknown error';
  const cause = (err as Error & { cause?: { code?: unknown; message?: unknown } }).cause;
  const code = typeof cause?.code === 'string' ? ` (${cause.code})` : '';
  if (err.name === 'TimeoutError' || err.name === 'AbortError') return 'the IdP did not answer in time';
  return `${err.message}${code}`.slice(0, 500);
}

/** Live status of an OIDC connection: discovery (fresh, not the cached copy) and its JWKS. */
export type OidcStatus =
  | {
      reachable: true;
      checked_at: string;
      latency_ms: number;
      issuer: string;
      authorization_endpoint: string | null;
      token_endpoint: string | null;
      userinfo_endpoint: string | null;
      end_session_endpoint: string | null;
      jwks_uri: string | null;
      signing_keys: number | null;
      problems: string[];
    }
  | { reachable: false; checked_at: string; error: string };

/**
 * Runs OIDC Discovery 1.0 §4 now (openid-client also checks the issuer it returns is the configured
 * one) and counts the keys in the JWKS, so the page says whether a sign-in could start right now.
 */
export async function oidcStatus(connection: OidcConnection): Promise<OidcStatus> {
  const started = performance.now();
  const checked_at = new Date().toISOString();
  try {
    const metadata = (await connection.probe()).serverMetadata();
    const latency_ms = Math.round(performance.now() - started);
    const problems: string[] = [];
    let signingKeys: number | null = null;
    if (metadata.jwks_uri) {
      try {
        const response = await fetch(metadata.jwks_uri, { signal: AbortSignal.timeout(JWKS_TIMEOUT_MS) });
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        const keys = ((await response.json()) as { keys?: Array<{ use?: string }> }).keys ?? [];
        signingKeys = keys.filter((k) => k.use === undefined || k.use === 'sig').length;
        if (signingKeys === 0) problems.push('The JWKS holds no signing key.');
      } catch (err) {
        problems.push(`The JWKS could not be read: ${problemOf(err)}.`);
      }
    }
    if (!metadata.userinfo_endpoint)
      problems.push('No UserInfo endpoint: claims come from the ID token only.');
    return {
      reachable: true,
      checked_at,
      latency_ms,
      issuer: metadata.issuer,
      authorization_endpoint: metadata.authorization_endpoint ?? null,
      token_endpoint: metadata.token_endpoint ?? null,
      userinfo_endpoint: metadata.userinfo_endpoint ?? null,
      end_session_endpoint: metadata.end_session_endpoint ?? null,
      jwks_uri: metadata.jwks_uri ?? null,
      signing_keys: signingKeys,
      problems,
    };
  } catch (err) {
    return { reachable: false, checked_at, error: problemOf(err) };
  }
}

/** Live status of a SAML connection: its IdP as resolved now, certificates with their expiry. */
export type SamlStatus =
  | {
      reachable: true;
      checked_at: string;
      metadata_source: 'metadata_url' | 'metadata_xml' | 'configuration';
      metadata_fetched_at: string | null;
      idp_entity_id: string | null;
      sso_url: string;
      slo_url: string | null;
      idp_certificates: CertificateStatus[];
      sp_certificate: CertificateStatus;
    }
  | { reachable: false; checked_at: string; error: string; sp_certificate: CertificateStatus };

/** Resolves the IdP (metadata URL fetched at most hourly, as sign-ins use it) and reads every certificate. */
export async function samlStatus(connection: SamlConnection): Promise<SamlStatus> {
  const checked_at = new Date().toISOString();
  const sp_certificate = certificateStatus(connection.config.sp.certificate);
  const { idp } = connection.config;
  try {
    const resolved = await connection.idp();
    return {
      reachable: true,
      checked_at,
      metadata_source: idp.metadataUrl ? 'metadata_url' : idp.metadataXml ? 'metadata_xml' : 'configuration',
      metadata_fetched_at: connection.metadataFetchedAt?.toISOString() ?? null,
      idp_entity_id: resolved.entityId ?? null,
      sso_url: resolved.ssoUrl,
      slo_url: resolved.sloUrl ?? null,
      idp_certificates: resolved.certs.map((pem) => certificateStatus(pem)),
      sp_certificate,
    };
  } catch (err) {
    return { reachable: false, checked_at, error: problemOf(err), sp_certificate };
  }
}
