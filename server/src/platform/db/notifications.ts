/**
 * PostgreSQL LISTEN/NOTIFY on one dedicated connection (outside the pool): every appliance replica
 * hears what another one committed, milliseconds later (PostgreSQL "NOTIFY": notifications are
 * delivered when the notifying transaction commits). Caches use it to drop entries another replica
 * changed. While the connection is down nothing can be heard, so {@link connected} is false and
 * callers must not trust what they cached; after a reconnect `onReconnect` lets them start afresh.
 */
import type { Knex } from 'knex';
import type pg from 'pg';
import type { Logger } from 'pino';

export interface NotificationHandlers {
  /** A notification on a channel listened to. */
  onNotify(channel: string, payload: string): void;
  /** The connection came (back) up: anything missed while it was down is unknown. */
  onReconnect(): void;
}

const RETRY_MS = [100, 500, 1000, 2000, 5000];

export class PgNotifications {
  #client: pg.Client | undefined;
  #closed = false;
  #attempt = 0;
  #timer: NodeJS.Timeout | undefined;

  private constructor(
    private readonly db: Knex,
    private readonly channels: readonly string[],
    private readonly handlers: NotificationHandlers,
    private readonly log: Logger,
  ) {}

  /** Listens on `channels` (plain identifiers); resolves once the first LISTEN succeeded or failed. */
  static async start(
    db: Knex,
    channels: readonly string[],
    handlers: NotificationHandlers,
    log: Logger,
  ): Promise<PgNotifications> {
    const listener = new PgNotifications(db, channels, handlers, log);
    await listener.#connect();
    return listener;
  }

  /** Whether notifications are being received right now. */
  get connected(): boolean {
    return this.#client !== undefined;
  }

  async #connect(): Promise<void> {
    if (this.#closed) return;
    let client: pg.Client | undefined;
    try {
      client = (await this.db.client.acquireRawConnection()) as pg.Client;
      const c = client;
      c.on('notification', (n) => this.handlers.onNotify(n.channel, n.payload ?? ''));
      c.on('error', (err) => this.#lost(c, err));
      c.on('end', () => this.#lost(c, new Error('connection ended')));
      for (const channel of this.channels) await c.query(`listen ${channel}`);
      if (this.#closed) {
        await c.end();
        return;
      }
      this.#client = c;
      this.#attempt = 0;
      this.handlers.onReconnect();
    } catch (err) {
      client?.end().catch(() => undefined);
      this.#retry(err);
    }
  }

  #lost(client: pg.Client, err: unknown): void {
    if (this.#client !== client) return;
    this.#client = undefined;
    client.end().catch(() => undefined);
    this.#retry(err);
  }

  #retry(err: unknown): void {
    if (this.#closed) return;
    const delay = RETRY_MS[Math.min(this.#attempt++, RETRY_MS.length - 1)] as number;
    this.log.warn({ err, retryInMs: delay }, 'database notifications unavailable');
    this.#timer = setTimeout(() => void this.#connect(), delay);
    this.#timer.unref();
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    const client = this.#client;
    this.#client = undefined;
    await client?.end().catch(() => undefined);
  }
}
