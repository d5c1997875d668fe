import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { Logger } from 'pino';

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
 * `ttlMs`.
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
    const { rows } = await this.db.raw<{ rows: Array<{ refused: number }> }>(
      'select gateway_take_stream_slot(?, ?, ?::text[], ?::integer[], ?) as refused',
      [streamId, this.replicaId, sorted.map((l) => l.subject), sorted.map((l) => l.limit), this.ttlMs],
    );
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
