/** The fixed windows limits are counted in. */
export type LimitMetric = 'requests_minute' | 'tokens_minute' | 'tokens_day' | 'tokens_month';

export const TOKEN_METRICS = ['tokens_minute', 'tokens_day', 'tokens_month'] as const;

const MINUTE = 60_000;
const DAY = 86_400_000;

/** The window of `metric` that contains `now` (Unix ms): minutes, UTC days, UTC calendar months. */
export function windowOf(metric: LimitMetric, now: number): { start: number; end: number } {
  if (metric === 'requests_minute' || metric === 'tokens_minute') {
    const start = now - (now % MINUTE);
    return { start, end: start + MINUTE };
  }
  if (metric === 'tokens_day') {
    const start = now - (now % DAY);
    return { start, end: start + DAY };
  }
  const date = new Date(now);
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth();
  return { start: Date.UTC(year, month, 1), end: Date.UTC(year, month + 1, 1) };
}

/**
 * A duration as OpenAI's `x-ratelimit-reset-*` headers write it (Go duration syntax: `20ms`, `6s`,
 * `1m30s`, `25h0m1s`).
 */
export function formatReset(ms: number): string {
  const total = Math.max(0, Math.ceil(ms));
  if (total < 1000) return `${total}ms`;
  const hours = Math.floor(total / 3_600_000);
  const minutes = Math.floor((total % 3_600_000) / 60_000);
  const seconds = (total % 60_000) / 1000;
  const s = `${Number(seconds.toFixed(3))}s`;
  if (hours > 0) return `${hours}h${minutes}m${s}`;
  if (minutes > 0) return `${minutes}m${s}`;
  return s;
}

/** `Retry-After` in whole seconds, at least 1 (RFC 9110 §10.2.3). */
export function retryAfterSeconds(ms: number): string {
  return String(Math.max(1, Math.ceil(ms / 1000)));
}
