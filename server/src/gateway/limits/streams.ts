import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { OwnConnections } from '../../platform/db/own-connections.js';

/** A subject with a concurrent-stream limit. */
export interface StreamLimit {
  subject: string;
  limit: number;
}

/** The outcome of asking for a stream slot. */
export type SlotResult = { ok: true; release: () => void } | { ok: false; subject: string; limit: number };

/** Most subjects in one statement: bounds the advisory locks its transaction holds. */
const MAX_TAKE_SUBJECTS = 256;
/** Most streams in one statement. */
const MAX_TAKE_STREAMS = 1024;

/** A stream waiting for its slots. */
interface Asking {
  streamId: string;
  /** Its limits, sorted by subject. */
  limits: StreamLimit[];
  resolve: (result: SlotResult) => void;
  reject: (err: Error) => void;
}

/** The one order of subjects: within a stream and within a batch, so locks are always taken in it. */
const bySubject = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Runs `drain` when kicked, one run at a time, and again when `pending` says work came meanwhile. */
class Serially {
  #running: Promise<void> | undefined;

  constructor(
    private readonly drain: () => Promise<void>,
    private readonly pending: () => boolean,
  ) {}

  kick(): void {
    if (this.#running) return;
    this.#running = this.drain().finally(() => {
      this.#running = undefined;
      if (this.pending()) this.kick();
    });
  }

  async idle(): Promise<void> {
    while (this.#running) await this.#running;
  }
}

/**
 * Concurrent-stream limits across appliance replicas: one row per running stream and subject in
 * `gateway_stream_slots`, counted and inserted under per-subject advisory transaction locks so two
 * replicas cannot both take the last slot. Streams that ask while a statement runs are taken
 * together by the next one (`gateway_take_stream_slots`, one round trip for the batch, each
 * subject's live slots counted once), so a burst of streams costs a few statements, not one each
 * in a queue. This replica renews the expiry of its own rows; rows of a replica that died expire
 * after `ttlMs`. Statements run as prepared statements on connections of their own
 * (OwnConnections), not through the query builder's pool; the slots of ended streams are deleted
 * together, one statement at a time.
 */
export class StreamSlots {
  readonly replicaId = randomUUID();
  private readonly live = new Set<string>();

  /**
   * Two at most: one statement taking slots and one freeing them run at a time. Their commits do not
   * wait for the WAL flush: slots are soft state (a row lost in a database crash frees its slot, and
   * a row left behind expires after `ttlMs`), and a stream's first byte should not wait behind the
   * receipts' durable commits.
   */
  readonly #slots: OwnConnections;

  constructor(
    private readonly db: Knex,
    private readonly log: Logger,
    private readonly ttlMs: number,
  ) {
    this.#slots = new OwnConnections(db, log, {
      what: 'stream slot',
      setup: 'set synchronous_commit to off',
    });
  }

  acquire(limits: readonly StreamLimit[]): Promise<SlotResult> {
    const sorted = [...limits].sort((a, b) => bySubject(a.subject, b.subject));
    return new Promise((resolve, reject) => {
      this.#asking.push({ streamId: randomUUID(), limits: sorted, resolve, reject });
      this.#takes.kick();
    });
  }

  #asking: Asking[] = [];
  readonly #takes = new Serially(
    async () => {
      while (this.#asking.length > 0) await this.#take(...this.#nextBatch());
    },
    () => this.#asking.length > 0,
  );

  /**
   * The waiting streams, oldest first, up to the statement's bounds (always at least one), and
   * their subjects.
   */
  #nextBatch(): [Asking[], Set<string>] {
    const subjects = new Set<string>();
    let n = 0;
    for (const asking of this.#asking) {
      const added = asking.limits.filter((l) => !subjects.has(l.subject));
      if (n > 0 && (n === MAX_TAKE_STREAMS || subjects.size + added.length > MAX_TAKE_SUBJECTS)) break;
      for (const l of added) subjects.add(l.subject);
      n++;
    }
    return [this.#asking.splice(0, n), subjects];
  }

  /** One statement for the batch; settles every stream of it. */
  async #take(batch: Asking[], distinct: Set<string>): Promise<void> {
    const subjects = [...distinct].sort(bySubject);
    const position = new Map(subjects.map((subject, i) => [subject, i + 1]));
    const owner: number[] = [];
    const subject: number[] = [];
    const limit: number[] = [];
    batch.forEach((asking, i) => {
      for (const l of asking.limits) {
        owner.push(i + 1);
        subject.push(position.get(l.subject) as number);
        limit.push(l.limit);
      }
    });
    try {
      const { rows } = await this.#slots.query<{ refused: number[] | null }>({
        name: 'aila_take_stream_slots',
        text: 'select gateway_take_stream_slots($1::uuid[], $2, $3::text[], $4::integer[], $5::integer[], $6::integer[], $7) as refused',
        values: [batch.map((a) => a.streamId), this.replicaId, subjects, owner, subject, limit, this.ttlMs],
      });
      const refused = rows[0]?.refused;
      if (!Array.isArray(refused) || refused.length !== batch.length) {
        throw new Error(
          `gateway_take_stream_slots answered for ${refused?.length ?? 0} of ${batch.length} streams`,
        );
      }
      batch.forEach((asking, i) => {
        const at = asking.limits[(refused[i] ?? 0) - 1];
        asking.resolve(at ? { ok: false, ...at } : this.#granted(asking.streamId));
      });
    } catch (err) {
      for (const asking of batch) asking.reject(err as Error);
    }
  }

  /** A taken slot: released once, deleted with the next batch of ended streams. */
  #granted(streamId: string): SlotResult {
    this.live.add(streamId);
    let released = false;
    return {
      ok: true,
      release: () => {
        if (released) return;
        released = true;
        this.live.delete(streamId);
        this.#freeing.push(streamId);
        this.#frees.kick();
      },
    };
  }

  /** Slots ended and not yet deleted; deleted together, one statement while another runs. */
  #freeing: string[] = [];
  readonly #frees = new Serially(
    () => this.#free(),
    () => this.#freeing.length > 0,
  );

  async #free(): Promise<void> {
    while (this.#freeing.length > 0) {
      const ids = this.#freeing;
      this.#freeing = [];
      await this.#slots
        .query({
          name: 'aila_free_stream_slots',
          text: 'delete from gateway_stream_slots where stream_id = any($1::uuid[])',
          values: [ids],
        })
        .catch((err: unknown) =>
          this.log.warn({ err, streams: ids.length }, 'cannot free stream slots: they will expire'),
        );
    }
  }

  /** Deletes the slots of ended streams, then closes the connections. */
  async close(): Promise<void> {
    await this.#takes.idle();
    await this.#frees.idle();
    await this.#slots.close();
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
