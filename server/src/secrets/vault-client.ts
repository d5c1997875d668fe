import { EventEmitter } from 'node:events';
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { createLogger } from '../platform/logger.js';
import type { VaultConfig } from './config-schema.js';
import { login, loginPath, type ReadText, type VaultLogin, VaultLoginError } from './vault-auth.js';
import {
  asResponse,
  createNodeVaultClient,
  type NodeVaultClient,
  toVaultError,
  VaultError,
  type VaultResponse,
} from './vault-raw.js';

export interface VaultClientOptions {
  /** Logger; until the configuration is loaded, a default one at level info. */
  log?: Logger;
  /** Reads the Kubernetes service-account token file (tests inject one). */
  readText?: ReadText;
}

/** Events of a {@link VaultClient}. */
export interface VaultClientEvents {
  /** Vault became reachable (true) or unreachable (false). */
  status: [up: boolean];
  /** A login succeeded (at boot, on schedule or after the token was refused). */
  login: [ttlSeconds: number];
  /** `auth/token/renew-self` succeeded. */
  renewed: [ttlSeconds: number];
}

/** Renew (or log in again) at this fraction of the TTL. */
const RENEW_AT = 2 / 3;
const MAX_RETRY_MS = 30_000;

/**
 * The appliance's Vault client: node-vault underneath, a token kept alive (renewed at 2/3 of its
 * TTL, a new login when renewal cannot extend it or it was revoked), and Vault reachability as a
 * status (`up`) for the readiness check and the `aila_vault_up` metric.
 */
export class VaultClient extends EventEmitter<VaultClientEvents> {
  private log: Logger;
  private isUp = false;
  private timer: NodeJS.Timeout | undefined;
  private loggingIn: Promise<VaultLogin> | undefined;
  private baseTtl = 0;
  private closed = false;

  private constructor(
    readonly config: VaultConfig,
    private readonly raw: NodeVaultClient,
    options: VaultClientOptions,
    private readonly readText: ReadText,
  ) {
    super();
    this.log = (options.log ?? createLogger({ level: 'info' })).child({ component: 'vault' });
  }

  /**
   * Logs in, retrying with exponential backoff (250 ms doubling to 5 s) while Vault is unreachable,
   * for at most `bootTimeoutMs`. A refused login fails at once.
   * @throws VaultLoginError when Vault refuses the credentials or stays unreachable.
   */
  static async connect(config: VaultConfig, options: VaultClientOptions = {}): Promise<VaultClient> {
    const readText = options.readText ?? ((path: string) => readFile(path, 'utf8'));
    const client = new VaultClient(config, createNodeVaultClient(config), options, readText);
    const started = Date.now();
    for (let attempt = 1, delay = 250; ; attempt++, delay = Math.min(delay * 2, 5000)) {
      try {
        await client.relogin();
        return client;
      } catch (err) {
        if (!(err instanceof VaultError) || !err.unavailable) throw err;
        if (Date.now() + delay - started > config.bootTimeoutMs) {
          const seconds = Math.round((Date.now() - started) / 1000);
          throw new VaultLoginError(
            `Vault at ${config.address} is unreachable (${attempt} attempts over ${seconds} s, ${loginPath(config.auth)}): ${err.message}`,
            err,
          );
        }
        client.log.warn(
          { address: config.address, attempt, retryInMs: delay, err: err.message },
          'vault unreachable, retrying',
        );
        await sleep(delay);
      }
    }
  }

  /** True when the last call reached Vault (whatever it answered). */
  get up(): boolean {
    return this.isUp;
  }

  /** The client's logger (child `component: vault`), shared by the parts built on the client. */
  get logger(): Logger {
    return this.log;
  }

  /** Switches to the configured logger once the configuration is loaded. */
  setLogger(log: Logger): void {
    this.log = log.child({ component: 'vault' });
  }

  /** `GET /v1/<path>` (path may carry a query string). */
  read(path: string): Promise<VaultResponse> {
    return this.call(path, () => this.raw.read(path));
  }

  /** `POST /v1/<path>` with a JSON body. */
  write(path: string, body: Record<string, unknown>): Promise<VaultResponse> {
    return this.call(path, () => this.raw.write(path, body));
  }

  /** `GET auth/token/lookup-self`: the readiness probe; never logs in again by itself. */
  lookupSelf(): Promise<VaultResponse> {
    return this.call('auth/token/lookup-self', () => this.raw.tokenLookupSelf(), false);
  }

  /** `PUT sys/leases/renew` (https://developer.hashicorp.com/vault/api-docs/system/leases#renew-lease). */
  renewLease(leaseId: string, incrementSeconds?: number): Promise<VaultResponse> {
    const args = incrementSeconds
      ? { lease_id: leaseId, increment: incrementSeconds }
      : { lease_id: leaseId };
    return this.call('sys/leases/renew', () => this.raw.renew(args));
  }

  /** `PUT sys/leases/revoke` (https://developer.hashicorp.com/vault/api-docs/system/leases#revoke-lease). */
  async revokeLease(leaseId: string): Promise<void> {
    await this.call('sys/leases/revoke', () => this.raw.revoke({ lease_id: leaseId }));
  }

  /** Stops the renewal schedule. The token is left to expire (other replicas may share a role). */
  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
  }

  private setUp(up: boolean): void {
    if (up === this.isUp) return;
    this.isUp = up;
    if (up) this.log.info({ address: this.config.address }, 'vault reachable');
    else this.log.warn({ address: this.config.address }, 'vault unreachable; cached secrets stay in use');
    this.emit('status', up);
  }

  private get canRelogin(): boolean {
    return this.config.auth.method !== 'token';
  }

  /**
   * Runs one call. A 403 with a token that Vault no longer accepts (expired, revoked) leads to one
   * new login and one retry; a 403 for a valid token is a policy refusal and is returned as is.
   */
  private async call(path: string, op: () => Promise<unknown>, retry = true): Promise<VaultResponse> {
    const token = this.raw.token;
    try {
      const body = await op();
      this.setUp(true);
      return asResponse(body, path);
    } catch (err) {
      const e = toVaultError(err, path);
      this.setUp(!e.unavailable);
      if (e.status === 403 && retry && this.canRelogin && (await this.tokenRefused(token))) {
        await this.relogin();
        return this.call(path, op, false);
      }
      throw e;
    }
  }

  /** Whether `token` (the one a call was made with) is no longer accepted by Vault. */
  private async tokenRefused(token: string | undefined): Promise<boolean> {
    if (this.raw.token !== token) return true; // someone already logged in again
    try {
      await this.raw.tokenLookupSelf();
      return false;
    } catch (err) {
      return toVaultError(err, 'auth/token/lookup-self').status === 403;
    }
  }

  /** Logs in (one login at a time) and schedules the token's renewal. */
  private relogin(): Promise<VaultLogin> {
    this.loggingIn ??= (async () => {
      try {
        const result = await login(this.raw, this.config.auth, this.readText);
        this.setUp(true);
        this.baseTtl = result.baseTtlSeconds;
        this.log.info(
          { method: this.config.auth.method, ttlSeconds: result.ttlSeconds, policies: result.policies },
          'vault login',
        );
        this.schedule(result.ttlSeconds, result.renewable, false);
        this.emit('login', result.ttlSeconds);
        return result;
      } catch (err) {
        if (err instanceof VaultError) this.setUp(!err.unavailable);
        throw err;
      } finally {
        this.loggingIn = undefined;
      }
    })();
    return this.loggingIn;
  }

  /**
   * Plans the next renewal, or the next login when renewal can no longer extend the token: it is
   * not renewable, or a renewal granted less than the token's base TTL (its max TTL is near).
   */
  private schedule(ttlSeconds: number, renewable: boolean, renewed: boolean): void {
    clearTimeout(this.timer);
    if (this.closed || ttlSeconds <= 0) return; // root-like tokens never expire
    const exhausted = !renewable || (renewed && ttlSeconds < this.baseTtl);
    if (exhausted && !this.canRelogin) {
      this.log.warn(
        { expiresAt: new Date(Date.now() + ttlSeconds * 1000).toISOString() },
        'vault token cannot be extended and method token cannot log in again: replace secrets.vault.auth.token',
      );
      return;
    }
    this.timer = setTimeout(
      () => void this.keepAlive(exhausted, Date.now() + ttlSeconds * 1000),
      ttlSeconds * 1000 * RENEW_AT,
    );
    this.timer.unref();
  }

  /** Renews (or logs in again); while Vault is unreachable, retries with backoff until expiry. */
  private async keepAlive(loginAgain: boolean, expiresAt: number, attempt = 0): Promise<void> {
    if (this.closed) return;
    try {
      if (loginAgain) {
        await this.relogin();
        return;
      }
      const response = asResponse(await this.raw.tokenRenewSelf(), 'auth/token/renew-self');
      this.setUp(true);
      const ttl = response.auth?.lease_duration ?? 0;
      this.log.debug({ ttlSeconds: ttl }, 'vault token renewed');
      this.schedule(ttl, response.auth?.renewable === true, true);
      this.emit('renewed', ttl);
    } catch (err) {
      const e = err instanceof VaultLoginError ? err : toVaultError(err, 'auth/token/renew-self');
      const unavailable = e instanceof VaultError && e.unavailable;
      if (e instanceof VaultError) this.setUp(!unavailable);
      if (!unavailable && !loginAgain) {
        if (!this.canRelogin) {
          this.log.error({ err: e.message }, 'vault token renewal refused: replace secrets.vault.auth.token');
          return;
        }
        // Renewal refused (token revoked or past its max TTL): a new login replaces it.
        this.log.warn({ err: e.message }, 'vault token renewal refused; logging in again');
        await this.keepAlive(true, expiresAt, attempt + 1);
        return;
      }
      const retryIn = Math.min(1000 * 2 ** attempt, MAX_RETRY_MS);
      this.log.error(
        { err: e.message, retryInMs: retryIn, tokenExpiresAt: new Date(expiresAt).toISOString() },
        'vault token upkeep failed',
      );
      if (this.closed) return;
      this.timer = setTimeout(
        () => void this.keepAlive(loginAgain || Date.now() > expiresAt, expiresAt, attempt + 1),
        retryIn,
      );
      this.timer.unref();
    }
  }
}
