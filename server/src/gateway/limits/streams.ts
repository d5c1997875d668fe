import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type pg from 'pg';
import type { Logger } from 'pino';

/** Connections of their own for taking and freeing stream slots. */
const SLOT_CONNECTIONS = 2;

/** A subject with a concurrent-stream limit. */
export interface StreamLimit {
  subject: string;
  limit: number;
}

/** The outcome of asking for a stream slot. */
export type SlotResult = { ok: true; release: () => void } | { ok: false; subject: string; limit: number };

/**
 * Concurrent-stream limits across appliance replicas: one row per running stream and subject in
 * `gateway_stream_slots`, counted and inserted under a per-subject advisory transaction lock so two
 * replicas cannot both take the last slot, in one statement (`gateway_take_stream_slot`, one round
 * trip). This replica renews the expiry of its own rows; rows of a replica that died expire after
 * `ttlMs`. Taking and freeing slots, once per stream each, run as prepared statements on a few
 * connections of their own (queued per connection by `pg`), not through the query builder and pool.
 */
export class StreamSlots {
  readonly replicaId = randomUUID();
  private readonly live = new Set<string>();

  constructor(
    private readonly db: Knex,
    private readonly log: Logger,
    private readonly ttlMs: number,
  ) {}

  async acquire(limits: readonly StreamLimit[]): Promise<SlotResult> {
    const streamId = randomUUID();
    // Locks in a fixed order, so concurrent acquisitions for overlapping subjects cannot deadlock.
    const sorted = [...limits].sort((a, b) => (a.subject < b.subject ? -1 : 1));
    const { rows } = await this.#query<{ refused: number }>({
      name: 'aila_take_stream_slot',
      text: 'select gateway_take_stream_slot($1, $2, $3::text[], $4::integer[], $5) as refused',
      values: [
        streamId,
        this.replicaId,
        sorted.map((l) => l.subject),
        sorted.map((l) => l.limit),
        this.ttlMs,
      ],
    });
    const refused = sorted[(rows[0]?.refused ?? 0) - 1];
    if (refused) return { ok: false, ...refused };
    this.live.add(streamId);
    let released = false;
    return {
      ok: true,
      release: () => {
        if (released) return;
        released = true;
        this.live.delete(streamId);
        this.#query({
          name: 'aila_free_stream_slot',
          text: 'delete from gateway_stream_slots where stream_id = $1',
          values: [streamId],
        }).catch((err: unknown) => this.log.warn({ err }, 'cannot free a stream slot: it will expire'));
      },
    };
  }

  /** Own connections, used in turn; a slot is empty while its connection is being opened. */
  readonly #connections: Array<Promise<pg.Client> | undefined> = new Array(SLOT_CONNECTIONS).fill(undefined);
  /** The last statement queued on each connection: one runs at a time on a connection. */
  readonly #tails: Array<Promise<unknown>> = new Array(SLOT_CONNECTIONS).fill(Promise.resolve());
  #turn = 0;
  #closed = false;

  #query<R extends pg.QueryResultRow = pg.QueryResultRow>(
    config: pg.QueryConfig,
  ): Promise<pg.QueryResult<R>> {
    const index = this.#turn++ % SLOT_CONNECTIONS;
    const run = (this.#tails[index] as Promise<unknown>).then(async () => {
      if (this.#closed) throw new Error('stream slots are closed');
      const opening = this.#open(index);
      const client = await opening;
      try {
        return await client.query<R>(config);
      } catch (err) {
        // Broken or not, the connection is replaced: statements never leave it in a transaction.
        this.#drop(index, opening);
        throw err;
      }
    });
    this.#tails[index] = run.catch(() => undefined);
    return run;
  }

  #open(index: number): Promise<pg.Client> {
    const open = this.#connections[index];
    if (open !== undefined) return open;
    const opening = this.db.client.acquireRawConnection() as Promise<pg.Client>;
    this.#connections[index] = opening;
    opening.then(
      (client) => {
        // A connection that breaks must not crash the process; the next statement opens another.
        client.on('error', (err) => {
          this.log.warn({ err }, 'stream slot connection lost');
          this.#drop(index, opening);
        });
      },
      () => this.#drop(index, opening),
    );
    return opening;
  }

  #drop(index: number, connection: Promise<pg.Client>): void {
    if (this.#connections[index] !== connection) return;
    this.#connections[index] = undefined;
    connection.then((c) => c.end()).catch(() => undefined);
  }

  /** Closes the connections once the statements queued on them ran (after the last stream ended). */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all(this.#tails);
    const open = this.#connections.splice(0);
    await Promise.all(open.map((c) => c?.then((client) => client.end()).catch(() => undefined)));
  }

  /** Extends the expiry of this replica's running streams; drops expired rows of any replica. */
  async renew(): Promise<void> {
    const ids = [...this.live];
    if (ids.length > 0) {
      await this.db('gateway_stream_slots')
        .whereIn('stream_id', ids)
        .update({ expires_at: this.db.raw(`now() + make_interval(secs => ?)`, [this.ttlMs / 1000]) });
    }
    await this.db('gateway_stream_slots').where('expires_at', '<', this.db.fn.now()).delete();
  }
}
