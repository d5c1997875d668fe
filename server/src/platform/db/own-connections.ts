/**
 * PostgreSQL connections a component keeps for itself, outside the query builder's pool: for hot
 * statements (prepared, one round trip each) that must not wait behind the application's queries
 * or for a pooled connection. A statement runs on an idle connection or a new one (the caller bounds
 * how many run at once); a connection that failed a statement, or broke while idle, is closed and
 * never used again.
 */
import type { Knex } from 'knex';
import type pg from 'pg';
import type { Logger } from 'pino';

export interface OwnConnectionsOptions {
  /** Names the connections in log lines (`<what> connection lost`). */
  what: string;
  /** Run once on every new connection before its first statement (e.g. a session setting). */
  setup?: string;
}

export class OwnConnections {
  readonly #idle: pg.Client[] = [];
  #closed = false;

  constructor(
    private readonly db: Knex,
    private readonly log: Logger,
    private readonly options: OwnConnectionsOptions,
  ) {}

  async query<R extends pg.QueryResultRow = pg.QueryResultRow>(
    config: pg.QueryConfig,
  ): Promise<pg.QueryResult<R>> {
    if (this.#closed) throw new Error(`${this.options.what} connections are closed`);
    const client = this.#idle.pop() ?? (await this.#open());
    let result: pg.QueryResult<R>;
    try {
      result = await client.query<R>(config);
    } catch (err) {
      client.end().catch(() => undefined);
      throw err;
    }
    if (this.#closed) client.end().catch(() => undefined);
    else this.#idle.push(client);
    return result;
  }

  /** Closes the idle connections; those running a statement close when it ends. */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all(this.#idle.splice(0).map((c) => c.end().catch(() => undefined)));
  }

  async #open(): Promise<pg.Client> {
    const client = (await this.db.client.acquireRawConnection()) as pg.Client;
    // A connection that breaks must not crash the process: it is dropped, the next statement opens another.
    client.on('error', (err) => {
      this.log.warn({ err }, `${this.options.what} connection lost`);
      const at = this.#idle.indexOf(client);
      if (at >= 0) this.#idle.splice(at, 1);
    });
    if (this.options.setup !== undefined) {
      try {
        await client.query(this.options.setup);
      } catch (err) {
        client.end().catch(() => undefined);
        throw err;
      }
    }
    return client;
  }
}
