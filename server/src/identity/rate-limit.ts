import type { Db } from '../platform/db/knex.js';
import { AppError } from '../platform/errors.js';

/** A fixed-window limit: at most `limit` hits per `windowMs` per key. */
export interface RateLimit {
  limit: number;
  windowMs: number;
}

/**
 * Counts one hit for `key` in PostgreSQL (one atomic upsert, so every replica shares the count) and
 * throws 429 RATE_LIMITED, with Retry-After (RFC 9110 §10.2.3), once the window's limit is passed.
 * Keys must not carry personal data in clear (use the audit HMAC of an IP address).
 */
export async function hitRateLimit(db: Db, key: string, { limit, windowMs }: RateLimit): Promise<void> {
  const now = new Date();
  const windowOpen = new Date(now.getTime() - windowMs);
  const result = (await db.raw(
    `insert into auth_rate_limits (key, window_start, count) values (?, ?, 1)
     on conflict (key) do update set
       window_start = case when auth_rate_limits.window_start <= ? then excluded.window_start
                      else auth_rate_limits.window_start end,
       count = case when auth_rate_limits.window_start <= ? then 1 else auth_rate_limits.count + 1 end
     returning window_start, count`,
    [key.slice(0, 128), now, windowOpen, windowOpen],
  )) as { rows: Array<{ window_start: Date; count: number }> };
  const row = result.rows[0];
  if (row && row.count > limit) {
    const retryAfter = Math.max(1, Math.ceil((row.window_start.getTime() + windowMs - now.getTime()) / 1000));
    throw new AppError('RATE_LIMITED', 'Too many attempts; try again later.', undefined, {
      'retry-after': String(retryAfter),
    });
  }
}
