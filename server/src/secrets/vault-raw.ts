/**
 * A typed face for `node-vault`, whose own typings return `any`: the subset of its client the
 * secrets module uses, the response envelope every Vault endpoint answers with
 * (https://developer.hashicorp.com/vault/api-docs#responses), and one error type.
 */
import nodeVault from 'node-vault';
import type { VaultConfig } from './config-schema.js';

/** The calls of node-vault's client used here; results are checked by {@link asResponse}. */
export interface NodeVaultClient {
  token: string | undefined;
  read(path: string): Promise<unknown>;
  write(path: string, data: unknown): Promise<unknown>;
  request(options: { path: string; method: string; json?: unknown }): Promise<unknown>;
  approleLogin(args: { mount_point: string; role_id: string; secret_id: string }): Promise<unknown>;
  kubernetesLogin(args: { mount_point: string; role: string; jwt: string }): Promise<unknown>;
  tokenLookupSelf(): Promise<unknown>;
  tokenRenewSelf(args?: { increment?: number }): Promise<unknown>;
  renew(args: { lease_id: string; increment?: number }): Promise<unknown>;
  revoke(args: { lease_id: string }): Promise<unknown>;
}

/** The `auth` block of a login or token renewal. */
export interface VaultAuthBlock {
  client_token: string;
  lease_duration: number;
  renewable: boolean;
  policies: string[];
}

/** Vault's response envelope. */
export interface VaultResponse {
  request_id: string;
  lease_id: string;
  renewable: boolean;
  lease_duration: number;
  data: Record<string, unknown> | null;
  warnings: string[] | null;
  auth: VaultAuthBlock | null;
}

/** TLS verification failures: Vault answered, but is not trusted; retrying will not help. */
const TLS_CODES = new Set([
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
]);

/** A failed Vault call: an HTTP status with Vault's first error message, or no status (network). */
export class VaultError extends Error {
  constructor(
    message: string,
    /** HTTP status, or undefined when Vault could not be reached or did not answer in time. */
    readonly status: number | undefined,
    /** The API path called (e.g. `secret/data/ai-la/oidc`). */
    readonly path: string,
    /** The network or TLS error code, when there is no status (e.g. `ECONNREFUSED`). */
    readonly code?: string,
  ) {
    super(message);
    this.name = 'VaultError';
  }

  /** Unreachable, timed out, sealed or failing (5xx): worth retrying, unlike a refusal (4xx, TLS). */
  get unavailable(): boolean {
    if (this.status === undefined) return !(this.code && TLS_CODES.has(this.code));
    return this.status >= 500;
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

/** Converts what node-vault or axios threw into a {@link VaultError}. */
export function toVaultError(err: unknown, path: string): VaultError {
  if (err instanceof VaultError) return err;
  const response = isObject(err) && isObject(err.response) ? err.response : undefined;
  // node-vault's ApiResponseError carries `response.statusCode`; axios errors carry `code`.
  const status = typeof response?.statusCode === 'number' ? response.statusCode : undefined;
  const message = err instanceof Error ? err.message : String(err);
  const code = isObject(err) && typeof err.code === 'string' ? err.code : undefined;
  const detail = status === undefined && code && !message.includes(code) ? `${code}: ${message}` : message;
  return new VaultError(detail || `status ${status}`, status, path, code);
}

/** Checks and normalises a response body (204 answers have none). */
export function asResponse(body: unknown, path: string): VaultResponse {
  const b = isObject(body) ? body : {};
  const auth = isObject(b.auth) ? b.auth : undefined;
  if (auth && typeof auth.client_token !== 'string') {
    throw new VaultError('login response carries no client_token', 200, path);
  }
  return {
    request_id: typeof b.request_id === 'string' ? b.request_id : '',
    lease_id: typeof b.lease_id === 'string' ? b.lease_id : '',
    renewable: b.renewable === true,
    lease_duration: typeof b.lease_duration === 'number' ? b.lease_duration : 0,
    data: isObject(b.data) ? b.data : null,
    warnings: Array.isArray(b.warnings) ? b.warnings.map(String) : null,
    auth: auth
      ? {
          client_token: String(auth.client_token),
          lease_duration: typeof auth.lease_duration === 'number' ? auth.lease_duration : 0,
          renewable: auth.renewable === true,
          policies: Array.isArray(auth.policies) ? auth.policies.map(String) : [],
        }
      : null,
  };
}

/**
 * Creates node-vault's client for the configured address, namespace, CA and timeout. node-vault
 * falls back to VAULT_ADDR, VAULT_TOKEN, VAULT_NAMESPACE, VAULT_PREFIX and VAULT_SKIP_VERIFY from
 * the environment when an option is empty; every one of them is pinned here so only the
 * configuration decides.
 */
export function createNodeVaultClient(config: VaultConfig): NodeVaultClient {
  const client = nodeVault({
    apiVersion: 'v1',
    endpoint: config.address,
    ...(config.namespace ? { namespace: config.namespace } : {}),
    requestOptions: {
      timeout: config.timeoutMs,
      strictSSL: true,
      ...(config.caCert ? { ca: config.caCert } : {}),
    },
  });
  const pinned = client as unknown as { pathPrefix: string; namespace: string | undefined };
  pinned.pathPrefix = '';
  pinned.namespace = config.namespace;
  const typed: NodeVaultClient = client;
  typed.token = undefined;
  return typed;
}
