/**
 * Group commit of receipts: concurrent callers' receipts are written together, each batch in one
 * statement (one transaction, one WAL flush), and every caller is answered once its own receipt is
 * committed (EVIDENCE.md §1.4: durable before the client sees its last byte). Under load, batches
 * grow while the previous commits are in flight, so throughput rises without adding latency at rest.
 * Each commit is one round trip: one prepared statement, its own transaction, on a connection of the
 * appender's own that was set to `synchronous_commit = on` when it opened (the WAL is flushed before
 * the statement returns, whatever the server's default).
 */
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { OwnConnections } from '../../platform/db/own-connections.js';
import { AppError } from '../../platform/errors.js';
import { LOG_IDS } from '../logs.js';
import { toNumber } from './sql.js';

/** One receipt leaf with the metadata its search needs. */
export interface ReceiptLeaf {
  /** Leaf data: UTF-8 JCS of the signed receipt (EVIDENCE.md §2). */
  data: Buffer;
  /** Receipt `ts` (Unix ms). */
  ts: number;
  subject: string;
  /** Team id, or null. */
  team: string | null;
  model: string;
  op: string;
  status: string;
  requestId: string;
}

export interface ReceiptAppenderOptions {
  batchSize: number;
  concurrency: number;
  maxQueue: number;
}

interface Waiting {
  leaf: ReceiptLeaf;
  resolve: (leafId: number) => void;
  reject: (err: unknown) => void;
}

/**
 * One statement per batch (a single statement is atomic: all its rows commit or none). The leaves
 * travel as one binary `bytea` parameter (their concatenation) with each one's offset and length, so
 * neither side hex-encodes a kilobyte per receipt as a `bytea[]` text array would. Leaf ids come from
 * the sequence (gaps allowed: they are handles, not log indices); then the leaf, its queue row and its
 * search metadata are inserted.
 */
const INSERT_BATCH = `
  with input as materialized (
    select nextval('log_leaf_ids') as id, substring($2::bytea from t.start for t.len) as data, t.*
      from unnest($3::int[], $4::int[], $5::bigint[], $6::uuid[], $7::uuid[], $8::text[], $9::text[], $10::text[], $11::uuid[])
        with ordinality as t(start, len, ts, subject, team, model, op, status, request_id, ord)
  ), leaves as (
    insert into log_leaves (id, log, data) select id, $1, data from input
  ), queued as (
    insert into log_queue (log, id) select $1, id from input
  ), meta as (
    insert into receipts (id, ts, subject, team, model, op, status, request_id)
    select id, timestamptz 'epoch' + ts * interval '1 millisecond', subject, team, model, op, status, request_id
      from input
  )
  select ord, id from input`;

/** 1-based start of each leaf in the concatenation of all of them (SQL `substring` positions). */
function starts(leaves: readonly ReceiptLeaf[]): number[] {
  const out: number[] = [];
  let at = 1;
  for (const l of leaves) {
    out.push(at);
    at += l.data.length;
  }
  return out;
}

export class ReceiptAppender {
  readonly #queue: Waiting[] = [];
  #inFlight = 0;
  #idle: Array<() => void> = [];
  /** At most `concurrency` (one per commit in flight), with durable commits. */
  readonly #store: OwnConnections;

  constructor(
    db: Knex,
    private readonly opts: ReceiptAppenderOptions,
    private readonly logger: Logger,
    /** Called after each committed batch (e.g. to wake the sequencer). */
    private readonly onCommitted?: (count: number) => void,
  ) {
    this.#store = new OwnConnections(db, logger, {
      what: 'receipt store',
      setup: 'set synchronous_commit to on',
    });
  }

  /** Receipts waiting for or inside a commit. */
  get pending(): number {
    return this.#queue.length + this.#inFlight;
  }

  /**
   * Durably appends a receipt leaf to the receipts log's queue and resolves with its leaf id.
   * @throws AppError EVIDENCE_UNAVAILABLE when the queue is full or the commit fails.
   */
  append(leaf: ReceiptLeaf): Promise<number> {
    if (this.#queue.length >= this.opts.maxQueue) {
      return Promise.reject(
        new AppError('EVIDENCE_UNAVAILABLE', 'Too many receipts are waiting to be stored.'),
      );
    }
    return new Promise((resolve, reject) => {
      this.#queue.push({ leaf, resolve, reject });
      // Let callers of the same tick join the batch, then commit.
      if (this.#queue.length === 1) queueMicrotask(() => this.#pump());
    });
  }

  /** Resolves when every receipt appended so far is committed (or failed). */
  drain(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  #pump(): void {
    while (this.#inFlight < this.opts.concurrency && this.#queue.length > 0) {
      const batch = this.#queue.splice(0, this.opts.batchSize);
      this.#inFlight++;
      void this.#commit(batch).finally(() => {
        this.#inFlight--;
        this.#pump();
        if (this.pending === 0) for (const done of this.#idle.splice(0)) done();
      });
    }
  }

  async #commit(batch: Waiting[]): Promise<void> {
    const leaves = batch.map((w) => w.leaf);
    try {
      const { rows } = await this.#store.query<{ ord: string; id: string }>({
        name: 'aila_append_receipts',
        text: INSERT_BATCH,
        values: [
          LOG_IDS.receipts,
          Buffer.concat(leaves.map((l) => l.data)),
          starts(leaves),
          leaves.map((l) => l.data.length),
          leaves.map((l) => l.ts),
          leaves.map((l) => l.subject),
          leaves.map((l) => l.team),
          leaves.map((l) => l.model),
          leaves.map((l) => l.op),
          leaves.map((l) => l.status),
          leaves.map((l) => l.requestId),
        ],
      });
      if (rows.length !== batch.length) throw new Error(`stored ${rows.length} of ${batch.length} receipts`);
      for (const row of rows) (batch[toNumber(row.ord) - 1] as Waiting).resolve(toNumber(row.id));
      this.onCommitted?.(batch.length);
    } catch (err) {
      this.logger.error({ err, receipts: batch.length }, 'receipts could not be stored');
      const failure = new AppError('EVIDENCE_UNAVAILABLE');
      for (const w of batch) w.reject(failure);
    }
  }

  /** Closes the appender's connections (after {@link drain}). */
  close(): Promise<void> {
    return this.#store.close();
  }
}
