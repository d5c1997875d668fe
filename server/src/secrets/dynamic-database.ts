import { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import knexFactory, { type Knex } from 'knex';
import pg from 'pg';
import type { Logger } from 'pino';
import type { Config } from '../config/index.js';
import type { DynamicDatabaseConfig } from './config-schema.js';
import { LeaseKeeper } from './lease-keeper.js';
import { type ConnectionTracker, trackConnections } from './pool-tracker.js';
import type { VaultClient } from './vault-client.js';

export interface DynamicDatabaseOptions {
  vault: VaultClient;
  /** `secrets.database`. */
  settings: DynamicDatabaseConfig;
  /** `database` (pool, TLS, statement timeout). */
  database: Config['database'];
  /** `database.url`; its user and password, if any, are replaced by the dynamic credential. */
  url: string;
  log?: Logger;
  /** How long `open` waits for the database to accept the first credential. */
  waitMs?: number;
}

/** Events of a {@link DynamicDatabase}. */
export interface DynamicDatabaseEvents {
  /** A new credential is in use and the old one was retired (`revoked`: its lease was revoked). */
  rotated: [{ from: string; to: string; revoked: boolean }];
}

interface Credential {
  username: string;
  password: string;
  keeper: LeaseKeeper;
}

/** Settings both `pg.Client` and knex's pg connection config accept. */
interface ConnectionSettings {
  connectionString: string;
  ssl?: { rejectUnauthorized: boolean; ca?: string };
  application_name: string;
  statement_timeout?: number;
}

/** The connection settings `createDb` uses, with the credential in the URL. */
function clientSettings(options: DynamicDatabaseOptions, credential: Credential): ConnectionSettings {
  const { ssl, statementTimeoutMs } = options.database;
  const url = new URL(options.url);
  url.username = credential.username;
  url.password = credential.password;
  return {
    connectionString: url.href,
    ...(ssl.enabled
      ? { ssl: { rejectUnauthorized: ssl.rejectUnauthorized, ...(ssl.ca ? { ca: ssl.ca } : {}) } }
      : {}),
    application_name: 'ai-la',
    ...(statementTimeoutMs > 0 ? { statement_timeout: statementTimeoutMs } : {}),
  };
}

/**
 * PostgreSQL with dynamic credentials from the Vault database secrets engine
 * (`GET /v1/<mount>/creds/<role>`, https://developer.hashicorp.com/vault/api-docs/secret/databases#generate-credentials).
 *
 * `db` is one knex instance for the life of the process. Its connection settings come from a
 * function knex calls per new connection (with an `expirationChecker`), so after a rotation new
 * connections log in with the new credential. Old connections finish what they are doing; each is
 * closed when released (idle ones at once), and pool validation refuses them, so no in-flight query
 * or transaction fails. When none is left the old lease is revoked. The lease is renewed at 2/3 of
 * its TTL and the credential rotated before its max TTL.
 */
export class DynamicDatabase extends EventEmitter<DynamicDatabaseEvents> {
  readonly db: Knex;
  private current: Credential;
  private readonly tracker: ConnectionTracker;
  private rotation: Promise<void> = Promise.resolve();
  private closed = false;
  private readonly log: Logger;

  private constructor(
    private readonly options: DynamicDatabaseOptions,
    first: Credential,
  ) {
    super();
    this.log = (options.log ?? options.vault.logger).child({ component: 'dynamic-database' });
    this.current = first;
    const { database } = options;
    this.db = knexFactory({
      client: 'pg',
      connection: async () => {
        const credential = this.current;
        return {
          ...clientSettings(this.options, credential),
          expirationChecker: () => this.current !== credential,
        };
      },
      pool: {
        min: database.pool.min,
        max: database.pool.max,
        // A connection opened with a retired credential is never handed out again.
        validate: (connection: { user?: string }) => connection.user === this.current.username,
      },
      acquireConnectionTimeout: 10000,
      log: {
        // knex reports each retired connection found closed at validation: expected here.
        warn: (message: unknown) =>
          /^Connection Error: /.test(String(message))
            ? this.log.debug({ knex: String(message) }, 'retired connection discarded')
            : this.log.warn({ knex: String(message) }, 'knex'),
        error: (message: unknown) => this.log.error({ knex: String(message) }, 'knex'),
        deprecate: (method: string, alternative: string) =>
          this.log.warn({ method, alternative }, 'knex deprecation'),
        debug: () => undefined,
      },
    });
    this.tracker = trackConnections(this.db);
  }

  /** Obtains the first credential (waiting up to `waitMs` for the database) and builds `db`. */
  static async open(options: DynamicDatabaseOptions): Promise<DynamicDatabase> {
    let instance: DynamicDatabase | undefined;
    const first = await DynamicDatabase.issue(options, () => instance?.expiring(), options.waitMs ?? 60000);
    instance = new DynamicDatabase(options, first);
    first.keeper.start();
    return instance;
  }

  /** The database user connections are opened with now. */
  get username(): string {
    return this.current.username;
  }

  /** Replaces the credential now (also used on schedule); resolves once the old lease is revoked. */
  rotate(): Promise<void> {
    const next = this.rotation.then(() => this.rotateOnce());
    this.rotation = next.catch(() => undefined);
    return next;
  }

  /** Closes the pool (after in-flight queries) and revokes the current lease. */
  async close(): Promise<void> {
    this.closed = true;
    await this.rotation;
    this.current.keeper.stop();
    await this.db.destroy();
    await this.revoke(this.current);
  }

  /** Gets a credential and checks it logs in (retrying the login for up to `waitMs`). */
  private static async issue(
    options: DynamicDatabaseOptions,
    onExpiring: () => void,
    waitMs: number,
  ): Promise<Credential> {
    const { vault, settings } = options;
    const log = options.log ?? vault.logger;
    const response = await vault.read(`${settings.mount}/creds/${encodeURIComponent(settings.role)}`);
    const username = response.data?.username;
    const password = response.data?.password;
    if (typeof username !== 'string' || typeof password !== 'string' || !response.lease_id) {
      throw new Error(`${settings.mount}/creds/${settings.role} returned no username, password and lease`);
    }
    const lease = {
      id: response.lease_id,
      durationSeconds: response.lease_duration,
      renewable: response.renewable,
    };
    const credential: Credential = {
      username,
      password,
      keeper: new LeaseKeeper(vault, lease, onExpiring, log),
    };
    const deadline = Date.now() + waitMs;
    for (let delay = 250; ; delay = Math.min(delay * 2, 5000)) {
      const probe = new pg.Client(clientSettings(options, credential));
      try {
        await probe.connect();
        await probe.end();
        return credential;
      } catch (err) {
        await probe.end().catch(() => undefined);
        if (Date.now() + delay > deadline) {
          await vault.revokeLease(lease.id).catch(() => undefined);
          throw new Error(
            `database unreachable with the credential from ${settings.mount}/creds/${settings.role}: ${(err as Error).message}`,
          );
        }
        log.warn({ err: (err as Error).message, retryInMs: delay }, 'database not reachable yet');
        await sleep(delay);
      }
    }
  }

  /** Called by the lease keeper before the lease ends: rotate, retrying while that fails. */
  private expiring(attempt = 0): void {
    if (this.closed) return;
    this.rotate().catch((err: unknown) => {
      const remaining = this.current.keeper.expiresAt - Date.now();
      const retryIn = Math.max(100, Math.min(1000 * 2 ** attempt, remaining / 3));
      this.log.error(
        { err: (err as Error).message, retryInMs: retryIn },
        'database credential rotation failed',
      );
      setTimeout(() => this.expiring(attempt + 1), retryIn).unref();
    });
  }

  private async rotateOnce(): Promise<void> {
    if (this.closed) return;
    const old = this.current;
    const next = await DynamicDatabase.issue(this.options, () => this.expiring(), 0);
    if (this.closed) {
      await this.revoke(next);
      return;
    }
    this.current = next;
    next.keeper.start();
    old.keeper.stop();
    this.log.info(
      { from: old.username, to: next.username },
      'database credential rotated; draining old connections',
    );
    // Leave a margin before the old lease expires (Vault would revoke it, ending its sessions).
    const margin = Math.min(5000, (old.keeper.expiresAt - Date.now()) / 4);
    const until = Math.min(Date.now() + this.options.settings.drainTimeoutMs, old.keeper.expiresAt - margin);
    const drained = await this.tracker.drain(old.username, until);
    if (!drained)
      this.log.warn(
        { user: old.username },
        'old database connections still busy; revoking the old lease anyway',
      );
    const revoked = await this.revoke(old);
    this.emit('rotated', { from: old.username, to: next.username, revoked });
  }

  private async revoke(credential: Credential): Promise<boolean> {
    credential.keeper.stop();
    try {
      await this.options.vault.revokeLease(credential.keeper.lease.id);
      return true;
    } catch (err) {
      this.log.warn(
        { leaseId: credential.keeper.lease.id, err: (err as Error).message },
        'lease revocation failed; it expires by itself',
      );
      return false;
    }
  }
}
