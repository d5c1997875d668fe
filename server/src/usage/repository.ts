import type { Knex } from 'knex';
import type { Db } from '../platform/db/knex.js';
import type { UsageEvent, UsageQuery, UsageRow, UsageTotals } from './types.js';

/** `team_id` of rollup rows for calls without a team: the nil UUID (RFC 9562 §5.9). */
export const NO_TEAM = '00000000-0000-0000-0000-000000000000';

/** Inserts a batch of usage events. */
export async function insertEvents(db: Db, events: readonly UsageEvent[]): Promise<void> {
  // One array per column (15 parameters, whatever the batch size): far cheaper to build and bind
  // than a multi-row VALUES list of 15 parameters per event.
  const columns = [
    events.map((e) => e.id),
    events.map((e) => e.requestId),
    events.map((e) => e.startedAt),
    events.map((e) => e.userId),
    events.map((e) => e.teamId),
    events.map((e) => e.apiKeyId),
    events.map((e) => e.op),
    events.map((e) => e.model),
    events.map((e) => e.backend),
    events.map((e) => e.promptTokens),
    events.map((e) => e.completionTokens),
    events.map((e) => e.tokensEstimated),
    events.map((e) => e.status),
    events.map((e) => e.latencyMs),
    events.map((e) => e.ttftMs),
  ];
  // pg binds arrays with null items as SQL arrays with NULL; knex's types only lack the null.
  await db.raw(INSERT_EVENTS, columns as Knex.RawBinding[]);
}

const INSERT_EVENTS = `insert into usage_events (id, request_id, started_at, user_id, team_id, api_key_id, op,
  model, backend, prompt_tokens, completion_tokens, tokens_estimated, status, latency_ms, ttft_ms)
select * from unnest(?::uuid[], ?::uuid[], ?::timestamptz[], ?::uuid[], ?::uuid[], ?::uuid[], ?::text[],
  ?::text[], ?::text[], ?::integer[], ?::integer[], ?::boolean[], ?::text[], ?::integer[], ?::integer[])`;

interface DailyDelta {
  day: string;
  user_id: string;
  team_id: string;
  model: string;
  requests: number;
  errors: number;
  cancelled: number;
  prompt_tokens: number;
  completion_tokens: number;
  latency_ms_sum: number;
  ttft_ms_sum: number;
  ttft_count: number;
}

/** Sums a batch of events per UTC day, user, team and model, in primary-key order. */
export function dailyDeltas(events: readonly UsageEvent[]): DailyDelta[] {
  const groups = new Map<string, DailyDelta>();
  for (const e of events) {
    const day = e.startedAt.toISOString().slice(0, 10);
    const team = e.teamId ?? NO_TEAM;
    const key = `${day}|${e.userId}|${team}|${e.model}`;
    let d = groups.get(key);
    if (!d) {
      d = {
        day,
        user_id: e.userId,
        team_id: team,
        model: e.model,
        requests: 0,
        errors: 0,
        cancelled: 0,
        prompt_tokens: 0,
        completion_tokens: 0,
        latency_ms_sum: 0,
        ttft_ms_sum: 0,
        ttft_count: 0,
      };
      groups.set(key, d);
    }
    d.requests += 1;
    if (e.status === 'error') d.errors += 1;
    if (e.status === 'cancelled') d.cancelled += 1;
    d.prompt_tokens += e.promptTokens;
    d.completion_tokens += e.completionTokens;
    d.latency_ms_sum += e.latencyMs;
    if (e.ttftMs !== null) {
      d.ttft_ms_sum += e.ttftMs;
      d.ttft_count += 1;
    }
  }
  // A fixed order of row locks keeps concurrent flushes of several replicas free of deadlocks.
  return [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, d]) => d);
}

const SUMMED = [
  'requests',
  'errors',
  'cancelled',
  'prompt_tokens',
  'completion_tokens',
  'latency_ms_sum',
  'ttft_ms_sum',
  'ttft_count',
] as const;

/** Adds a batch's deltas to the daily rollup. */
export async function addToDaily(db: Db, deltas: readonly DailyDelta[]): Promise<void> {
  if (deltas.length === 0) return;
  const merge = Object.fromEntries(SUMMED.map((c) => [c, db.raw(`usage_daily.${c} + excluded.${c}`)]));
  await db('usage_daily')
    .insert([...deltas])
    .onConflict(['day', 'user_id', 'team_id', 'model'])
    .merge(merge);
}

const COLUMN = { day: 'day', user: 'user_id', team: 'team_id', model: 'model' } as const;

interface TotalsRow {
  day?: string;
  user_id?: string;
  team_id?: string;
  model?: string;
  requests: string;
  errors: string;
  cancelled: string;
  prompt_tokens: string;
  completion_tokens: string;
  latency_ms_sum: string;
  ttft_ms_sum: string;
  ttft_count: string;
}

function totals(row: TotalsRow): UsageTotals {
  const requests = Number(row.requests);
  const prompt = Number(row.prompt_tokens);
  const completion = Number(row.completion_tokens);
  const ttftCount = Number(row.ttft_count);
  return {
    requests,
    errors: Number(row.errors),
    cancelled: Number(row.cancelled),
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    avg_latency_ms: requests > 0 ? Math.round(Number(row.latency_ms_sum) / requests) : null,
    avg_ttft_ms: ttftCount > 0 ? Math.round(Number(row.ttft_ms_sum) / ttftCount) : null,
  };
}

/** Sums the daily rollup over a period and filter, grouped by the requested dimensions. */
export async function queryDaily(db: Db, q: UsageQuery): Promise<{ rows: UsageRow[]; totals: UsageTotals }> {
  const base = db('usage_daily').whereBetween('day', [q.from, q.to]);
  if (q.userId) base.where('user_id', q.userId);
  if (q.teamId) base.where('team_id', q.teamId);
  if (q.model) base.where('model', q.model);
  const sums = SUMMED.map((c) => db.raw(`coalesce(sum(${c}), 0)::bigint as ${c}`));
  const grouped = base.clone();
  for (const dim of q.groupBy) {
    const column = COLUMN[dim];
    grouped.select(dim === 'day' ? db.raw(`to_char(day, 'YYYY-MM-DD') as day`) : column);
    grouped.groupBy(column).orderBy(column);
  }
  const rows = (await grouped.select(sums)) as TotalsRow[];
  const [all] = (await base.clone().select(sums)) as TotalsRow[];
  return {
    rows: rows.map((row) => {
      const dims: Partial<Record<'day' | 'user_id' | 'team_id' | 'model', string | null>> = {};
      for (const dim of q.groupBy) {
        const column = COLUMN[dim];
        const value = row[column] ?? null;
        dims[column] = column === 'team_id' && value === NO_TEAM ? null : value;
      }
      return { ...dims, ...totals(row) };
    }),
    totals: totals(all ?? ZERO),
  };
}

/**
 * Usage per requested model name (a model or an alias) since `since`, from the per-call events (the
 * daily rollup cannot say "the last 24 hours"). Uses the `started_at` index.
 */
export async function recentByModel(db: Db, since: Date): Promise<Array<UsageTotals & { model: string }>> {
  const rows = (await db('usage_events')
    .where('started_at', '>=', since)
    .groupBy('model')
    .orderBy('model')
    .select(
      'model',
      db.raw('count(*) as requests'),
      db.raw(`count(*) filter (where status = 'error') as errors`),
      db.raw(`count(*) filter (where status = 'cancelled') as cancelled`),
      db.raw('coalesce(sum(prompt_tokens), 0) as prompt_tokens'),
      db.raw('coalesce(sum(completion_tokens), 0) as completion_tokens'),
      db.raw('coalesce(sum(latency_ms), 0) as latency_ms_sum'),
      db.raw('coalesce(sum(ttft_ms), 0) as ttft_ms_sum'),
      db.raw('count(ttft_ms) as ttft_count'),
    )) as Array<TotalsRow & { model: string }>;
  return rows.map((row) => ({ model: row.model, ...totals(row) }));
}

const ZERO: TotalsRow = Object.fromEntries(SUMMED.map((c) => [c, '0'])) as unknown as TotalsRow;
