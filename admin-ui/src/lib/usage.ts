/** Shaping usage answers (`/api/v1/user/usage`, `/api/v1/admin/usage`) for charts. */
import type { UsageRow } from '../api/gateway.js';
import type { DayPoint } from '../components/charts/DailyChart.js';
import { isoDay } from './format.js';

const DAY_MS = 86_400_000;

export const PERIODS = [
  { days: 7, label: '7 days' },
  { days: 30, label: '30 days' },
  { days: 90, label: '90 days' },
] as const;

/** The last `days` UTC days ending today, as the usage API takes them. */
export function periodOf(days: number, now = Date.now()): { from: string; to: string } {
  return { from: isoDay(new Date(now - (days - 1) * DAY_MS)), to: isoDay(new Date(now)) };
}

/** One point per day of the period (days without calls at zero): prompt and completion tokens. */
export function dailyTokens(rows: UsageRow[], from: string, to: string): DayPoint[] {
  const byDay = new Map(rows.map((r) => [r.day ?? '', r]));
  const points: DayPoint[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += DAY_MS) {
    const day = isoDay(new Date(t));
    const row = byDay.get(day);
    points.push({ day, values: [row?.prompt_tokens ?? 0, row?.completion_tokens ?? 0] });
  }
  return points;
}

/** Rows sorted by total tokens, largest first, at most `limit`. */
export const topByTokens = (rows: UsageRow[], limit = 8): UsageRow[] =>
  [...rows].sort((a, b) => b.total_tokens - a.total_tokens).slice(0, limit);

/** Share of failed calls, as a percentage with one decimal. */
export const errorRate = (requests: number, errors: number): string =>
  requests === 0 ? '0%' : `${((errors / requests) * 100).toFixed(1)}%`;
