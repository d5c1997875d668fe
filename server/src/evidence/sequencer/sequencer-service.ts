/**
 * Runs the log sequencers of this replica: elects itself through PostgreSQL and integrates queued
 * leaves every half checkpoint interval (polls start half an interval apart, or at once when the
 * previous one took longer), so each appended leaf is in a signed checkpoint within about
 * `checkpointIntervalMs` plus one integration.
 *
 * Election: a session-level `pg_try_advisory_lock` per log, held on one dedicated connection
 * (PostgreSQL "Advisory Locks"); when that connection dies the lock is released and another replica
 * takes over. The lock only keeps replicas from contending; correctness comes from the fenced
 * transactions of `LogSequencer`.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Knex } from 'knex';
import type pg from 'pg';
import type { Logger } from 'pino';
import type { SqlClient } from '../store/sql.js';
import type { Integration, LogSequencer } from './log-sequencer.js';

/** Full batches integrated for one log before turning to the next. */
const MAX_ROUNDS = 8;

/** Advisory lock class id of the sequencer election (ASCII "AILA"); the object id is the log id. */
const LOCK_CLASS = 0x41494c41;

export interface SequencerServiceOptions {
  db: Knex;
  sequencers: readonly LogSequencer[];
  /** Checkpoint interval; the queue is polled twice per interval. */
  intervalMs: number;
  logger: Logger;
  /** Called after each committed integration. */
  onIntegrated?: (integration: Integration) => void;
  /** Called when leadership of a log changes. */
  onLeadership?: (log: string, leader: boolean) => void;
  /**
   * Contend through the advisory lock (default). Off: every replica integrates and only the fenced
   * transactions serialize them (used by tests to exercise the fence).
   */
  election?: boolean;
}

export class SequencerService {
  readonly #opts: SequencerServiceOptions;
  readonly #leading = new Set<string>();
  #conn: pg.ClientBase | undefined;
  #running = false;
  #loop: Promise<void> | undefined;
  #wake: AbortController | undefined;

  constructor(opts: SequencerServiceOptions) {
    this.#opts = opts;
  }

  /** True while this replica integrates `log`. */
  isLeader(log: string): boolean {
    return this.#leading.has(log);
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#loop = this.#run();
  }

  /** Finishes the current integration, releases the locks and the connection. */
  async stop(): Promise<void> {
    if (!this.#running) return;
    this.#running = false;
    this.#wake?.abort();
    await this.#loop;
    await this.#release();
  }

  async #run(): Promise<void> {
    const { logger, intervalMs } = this.#opts;
    const pollMs = Math.max(10, Math.floor(intervalMs / 2));
    let backoff = pollMs;
    while (this.#running) {
      const started = performance.now();
      let backlog = false;
      let wait: number;
      try {
        backlog = await this.#tick();
        backoff = pollMs;
        // Polls are spaced from the start of the previous one: a leaf appended during a long
        // integration waits for the next poll, not for that integration plus a whole poll period.
        wait = pollMs - (performance.now() - started);
      } catch (err) {
        logger.error({ err }, 'evidence sequencer failed; retrying');
        await this.#release();
        backoff = Math.min(backoff * 2, 10000);
        wait = backoff;
      }
      if (!this.#running) break;
      if (backlog || wait <= 0) continue;
      this.#wake = new AbortController();
      await sleep(wait, undefined, { signal: this.#wake.signal }).catch(() => undefined);
    }
  }

  /** One pass over the logs; returns true when a log still has a backlog (poll again at once). */
  async #tick(): Promise<boolean> {
    const conn = await this.#connection();
    let backlog = false;
    for (const seq of this.#opts.sequencers) {
      if (!this.#running) return false;
      if (!(await this.#lead(conn, seq))) continue;
      // Full batches follow each other without waiting, a bounded number of them so that one busy
      // log cannot starve the other.
      for (let round = 0; round < MAX_ROUNDS; round++) {
        if (!seq.needsSignature() && !(await seq.hasQueued(conn))) break;
        const done = await seq.integrate(conn);
        if (done === undefined) break;
        done.committedAt = Date.now();
        this.#opts.onIntegrated?.(done);
        if (!this.#running || done.added < seq.batchSize) break;
        if (round === MAX_ROUNDS - 1) backlog = true;
      }
    }
    return backlog;
  }

  async #lead(conn: SqlClient, seq: LogSequencer): Promise<boolean> {
    const name = seq.log.name;
    if (this.#leading.has(name)) return true;
    if (this.#opts.election !== false) {
      const { rows } = await conn.query<{ locked: boolean }>(
        'select pg_try_advisory_lock($1, $2) as locked',
        [LOCK_CLASS, seq.log.id],
      );
      if (rows[0]?.locked !== true) return false;
    }
    seq.reset();
    this.#leading.add(name);
    this.#opts.logger.info({ log: name }, 'evidence sequencer elected');
    this.#opts.onLeadership?.(name, true);
    return true;
  }

  async #connection(): Promise<pg.ClientBase> {
    this.#conn ??= (await this.#opts.db.client.acquireConnection()) as pg.ClientBase;
    return this.#conn;
  }

  /**
   * Gives up leadership and the connection. The locks are released explicitly; a connection that
   * cannot even do that is marked broken so that the pool destroys it (and its session's locks).
   */
  async #release(): Promise<void> {
    for (const name of this.#leading) this.#opts.onLeadership?.(name, false);
    this.#leading.clear();
    for (const seq of this.#opts.sequencers) seq.reset();
    const conn = this.#conn;
    this.#conn = undefined;
    if (conn === undefined) return;
    try {
      await conn.query('select pg_advisory_unlock_all()');
    } catch {
      (conn as pg.ClientBase & { __knex__disposed?: unknown }).__knex__disposed =
        'evidence sequencer failure';
    }
    await this.#opts.db.client.releaseConnection(conn);
  }
}
