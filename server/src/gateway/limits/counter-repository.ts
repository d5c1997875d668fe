import type { Db } from '../../platform/db/knex.js';
import type { LimitMetric } from './windows.js';

/** One reservation statement against a shared window counter. */
export interface Reservation {
  subject: string;
  metric: LimitMetric;
  windowStart: Date;
  /** When the row may be deleted. */
  expiresAt: Date;
  /** Added unconditionally (tokens already spent). */
  force: number;
  /** Added as far as the limit allows. */
  want: number;
  limit: number;
}

/**
 * Atomically adds `force` and as much of `want` as stays within `limit` to a window counter, in
 * one upsert (PostgreSQL INSERT ... ON CONFLICT DO UPDATE: concurrent replicas serialise on the
 * row). SET expressions see the old row, so `last_grant` is what this statement granted.
 */
export async function reserve(db: Db, r: Reservation): Promise<{ used: number; granted: number }> {
  const result = await db.raw<{ rows: Array<{ used: string; last_grant: string }> }>(
    `with p as (select cast(:force as bigint) as f, cast(:want as bigint) as w, cast(:limit as bigint) as l)
     insert into gateway_limit_counters as c (subject, metric, window_start, used, last_grant, expires_at)
     select :subject, :metric, :windowStart, p.f + least(p.w, greatest(0, p.l - p.f)),
            least(p.w, greatest(0, p.l - p.f)), :expiresAt
       from p
     on conflict (subject, metric, window_start) do update
       set used = c.used + (select f from p) + least((select w from p), greatest(0, (select l from p) - c.used - (select f from p))),
           last_grant = least((select w from p), greatest(0, (select l from p) - c.used - (select f from p)))
     returning used, last_grant`,
    {
      subject: r.subject,
      metric: r.metric,
      windowStart: r.windowStart,
      expiresAt: r.expiresAt,
      force: r.force,
      want: r.want,
      limit: r.limit,
    },
  );
  const row = result.rows[0];
  if (!row) throw new Error('window counter upsert returned no row');
  return { used: Number(row.used), granted: Number(row.last_grant) };
}

/** Gives back reserved capacity that was not used (a replica shutting down). */
export async function giveBack(
  db: Db,
  subject: string,
  metric: LimitMetric,
  windowStart: Date,
  amount: number,
): Promise<void> {
  await db('gateway_limit_counters')
    .where({ subject, metric, window_start: windowStart })
    .update({ used: db.raw('greatest(0, used - ?)', [amount]) });
}

/** Deletes counters of windows long past. */
export async function deleteExpiredCounters(db: Db): Promise<number> {
  return db('gateway_limit_counters').where('expires_at', '<', db.fn.now()).delete();
}
