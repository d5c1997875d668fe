import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { Logger } from 'pino';

/** Namespace of the gateway's advisory locks (first key of pg_advisory_xact_lock(int, int)): "aila". */
const LOCK_SPACE = 0x61696c61;

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
 * replicas cannot both take the last slot. This replica renews the expiry of its own rows; rows of a
 * replica that died expire after `ttlMs`.
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
    const refused = await this.db.transaction(async (trx) => {
      for (const { subject } of sorted) {
        await trx.raw('select pg_advisory_xact_lock(?, hashtext(?))', [LOCK_SPACE, subject]);
      }
      for (const { subject, limit } of sorted) {
        const row = (await trx('gateway_stream_slots')
          .where({ subject })
          .andWhere('expires_at', '>', trx.fn.now())
          .count<{ count: string }[]>({ count: '*' })
          .first()) ?? { count: '0' };
        if (Number(row.count) >= limit) return { subject, limit };
      }
      const expires = trx.raw(`now() + make_interval(secs => ?)`, [this.ttlMs / 1000]);
      await trx('gateway_stream_slots').insert(
        sorted.map(({ subject }) => ({
          stream_id: streamId,
          subject,
          replica_id: this.replicaId,
          expires_at: expires,
        })),
      );
      return undefined;
    });
    if (refused) return { ok: false, ...refused };
    this.live.add(streamId);
    let released = false;
    return {
      ok: true,
      release: () => {
        if (released) return;
        released = true;
        this.live.delete(streamId);
        this.db('gateway_stream_slots')
          .where({ stream_id: streamId })
          .delete()
          .catch((err: unknown) => this.log.warn({ err }, 'cannot free a stream slot: it will expire'));
      },
    };
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
