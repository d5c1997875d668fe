import type { LeasedCounter } from './counter.js';
import { formatReset } from './windows.js';

function tightest(counters: readonly LeasedCounter[]): LeasedCounter | undefined {
  let best: LeasedCounter | undefined;
  for (const c of counters) if (!best || c.remaining() < best.remaining()) best = c;
  return best;
}

/**
 * OpenAI's rate-limit headers (`x-ratelimit-limit-requests`, `-remaining-requests`,
 * `-reset-requests` and the `-tokens` trio, https://platform.openai.com/docs/guides/rate-limits),
 * each from the tightest of the caller's user, team and API key windows.
 */
export function rateLimitHeaders(counters: readonly LeasedCounter[]): Record<string, string> {
  const headers: Record<string, string> = {};
  const requests = tightest(counters.filter((c) => c.metric === 'requests_minute'));
  const tokens = tightest(counters.filter((c) => c.metric !== 'requests_minute'));
  if (requests) {
    headers['x-ratelimit-limit-requests'] = String(requests.limit);
    headers['x-ratelimit-remaining-requests'] = String(requests.remaining());
    headers['x-ratelimit-reset-requests'] = formatReset(requests.resetInMs());
  }
  if (tokens) {
    headers['x-ratelimit-limit-tokens'] = String(tokens.limit);
    headers['x-ratelimit-remaining-tokens'] = String(tokens.remaining());
    headers['x-ratelimit-reset-tokens'] = formatReset(tokens.resetInMs());
  }
  return headers;
}
