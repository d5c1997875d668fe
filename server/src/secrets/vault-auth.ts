/**
 * Logging in to Vault with the configured method:
 * - token: the configured token, described by `auth/token/lookup-self`
 *   (https://developer.hashicorp.com/vault/api-docs/auth/token#lookup-a-token-self);
 * - approle: `POST auth/<mount>/login` with role_id and secret_id
 *   (https://developer.hashicorp.com/vault/api-docs/auth/approle#login-with-approle);
 * - kubernetes: `POST auth/<mount>/login` with the role and the service-account JWT, re-read from
 *   its file at every login because the kubelet rotates projected tokens
 *   (https://developer.hashicorp.com/vault/api-docs/auth/kubernetes#login).
 */
import type { VaultAuthConfig } from './config-schema.js';
import { asResponse, type NodeVaultClient, toVaultError, VaultError } from './vault-raw.js';

/** A token obtained by a login, with what its renewal schedule needs. */
export interface VaultLogin {
  token: string;
  /** Seconds the token is valid for from now; 0 for tokens that never expire. */
  ttlSeconds: number;
  renewable: boolean;
  /** The TTL a renewal is expected to restore; a smaller one means the max TTL is near. */
  baseTtlSeconds: number;
  policies: string[];
}

/** Reads a file's text (injected so tests can count reads). */
export type ReadText = (path: string) => Promise<string>;

/** A login Vault refused (4xx), or a credential that could not be read: retrying will not help. */
export class VaultLoginError extends Error {
  constructor(message: string, cause?: unknown) {
    super(message, { cause });
    this.name = 'VaultLoginError';
  }
}

const mountOf = (auth: VaultAuthConfig) =>
  auth.mount ?? (auth.method === 'approle' ? 'approle' : 'kubernetes');

/** The path a method logs in at, for messages. */
export const loginPath = (auth: VaultAuthConfig) =>
  auth.method === 'token' ? 'auth/token/lookup-self' : `auth/${mountOf(auth)}/login`;

async function loginRequest(client: NodeVaultClient, auth: VaultAuthConfig, readText: ReadText) {
  if (auth.method === 'approle') {
    return client.approleLogin({
      mount_point: mountOf(auth),
      role_id: auth.roleId ?? '',
      secret_id: auth.secretId ?? '',
    });
  }
  let jwt: string;
  try {
    jwt = (await readText(auth.jwtPath)).trim();
  } catch (err) {
    throw new VaultLoginError(
      `cannot read the Kubernetes service-account token at ${auth.jwtPath}: ${(err as Error).message}`,
      err,
    );
  }
  return client.kubernetesLogin({ mount_point: mountOf(auth), role: auth.role ?? '', jwt });
}

/**
 * Logs in and leaves the new token on `client`. Unreachable Vault → {@link VaultError} with
 * `unavailable`; refused credentials → {@link VaultLoginError}.
 */
export async function login(
  client: NodeVaultClient,
  auth: VaultAuthConfig,
  readText: ReadText,
): Promise<VaultLogin> {
  const path = loginPath(auth);
  try {
    if (auth.method === 'token') {
      client.token = auth.token;
      const { data } = asResponse(await client.tokenLookupSelf(), path);
      const ttl = typeof data?.ttl === 'number' ? data.ttl : 0;
      const period = typeof data?.period === 'number' ? data.period : 0;
      const creationTtl = typeof data?.creation_ttl === 'number' ? data.creation_ttl : ttl;
      return {
        token: auth.token ?? '',
        ttlSeconds: ttl,
        renewable: data?.renewable === true,
        baseTtlSeconds: period || creationTtl,
        policies: Array.isArray(data?.policies) ? data.policies.map(String) : [],
      };
    }
    const response = asResponse(await loginRequest(client, auth, readText), path);
    if (!response.auth) throw new VaultError('login response carries no auth block', 200, path);
    client.token = response.auth.client_token;
    return {
      token: response.auth.client_token,
      ttlSeconds: response.auth.lease_duration,
      renewable: response.auth.renewable,
      baseTtlSeconds: response.auth.lease_duration,
      policies: response.auth.policies,
    };
  } catch (err) {
    if (err instanceof VaultLoginError) throw err;
    const e = toVaultError(err, path);
    if (e.unavailable) throw e;
    throw new VaultLoginError(`Vault ${auth.method} login at ${path} failed: ${e.message}`, e);
  }
}
