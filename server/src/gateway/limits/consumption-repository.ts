import type { Db } from '../../platform/db/knex.js';
import type { SubjectType } from './plan-repository.js';
import { windowOf } from './windows.js';

/** Who a plan is assigned to. */
export interface Subject {
  type: SubjectType;
  id: string;
}

/** What a subject used in the windows its plan limits, from the recorded calls. */
export interface Consumption {
  requestsThisMinute: number;
  tokensThisMinute: number;
  tokensToday: number;
  tokensThisMonth: number;
  /** Streaming calls in flight now, across every appliance replica. */
  streams: number;
}

const key = (s: Subject) => `${s.type}:${s.id}`;

const ZERO: Consumption = {
  requestsThisMinute: 0,
  tokensThisMinute: 0,
  tokensToday: 0,
  tokensThisMonth: 0,
  streams: 0,
};

const COLUMN: Record<SubjectType, string> = { user: 'user_id', team: 'team_id', api_key: 'api_key_id' };

/**
 * Current consumption of each subject, in the limiter's windows (UTC minute, day, calendar month):
 * tokens of days and months from the daily rollup (users, teams) or the per-call events (API keys,
 * which the rollup does not break down), the current minute from the per-call events, and streams
 * from the shared stream slots. Calls still running are counted once they end, as the limiter does.
 */
export async function consumptionOf(
  db: Db,
  subjects: readonly Subject[],
  now = Date.now(),
): Promise<Map<string, Consumption>> {
  const result = new Map(subjects.map((s) => [key(s), { ...ZERO }]));
  if (subjects.length === 0) return result;
  const minute = new Date(windowOf('requests_minute', now).start);
  const day = new Date(windowOf('tokens_day', now).start);
  const month = new Date(windowOf('tokens_month', now).start);
  const isoDay = (d: Date) => d.toISOString().slice(0, 10);
  const ids = (type: SubjectType) => subjects.filter((s) => s.type === type).map((s) => s.id);
  const entry = (type: SubjectType, id: string) => result.get(`${type}:${id}`) as Consumption;

  for (const type of ['user', 'team'] as const) {
    if (ids(type).length === 0) continue;
    const rows = (await db('usage_daily')
      .where('day', '>=', isoDay(month))
      .whereIn(COLUMN[type], ids(type))
      .groupBy(COLUMN[type])
      .select(
        `${COLUMN[type]} as id`,
        db.raw('sum(prompt_tokens + completion_tokens) as month'),
        db.raw('coalesce(sum(prompt_tokens + completion_tokens) filter (where day = ?), 0) as today', [
          isoDay(day),
        ]),
      )) as Array<{ id: string; month: string; today: string }>;
    for (const r of rows)
      Object.assign(entry(type, r.id), { tokensThisMonth: Number(r.month), tokensToday: Number(r.today) });
  }
  if (ids('api_key').length > 0) {
    const rows = (await db('usage_events')
      .where('started_at', '>=', month)
      .whereIn('api_key_id', ids('api_key'))
      .groupBy('api_key_id')
      .select(
        'api_key_id as id',
        db.raw('sum(prompt_tokens + completion_tokens) as month'),
        db.raw(
          'coalesce(sum(prompt_tokens + completion_tokens) filter (where started_at >= ?), 0) as today',
          [day],
        ),
      )) as Array<{ id: string; month: string; today: string }>;
    for (const r of rows)
      Object.assign(entry('api_key', r.id), {
        tokensThisMonth: Number(r.month),
        tokensToday: Number(r.today),
      });
  }
  // The current minute, per subject column, through the (column, started_at) indexes.
  for (const type of ['user', 'team', 'api_key'] as const) {
    if (ids(type).length === 0) continue;
    const rows = (await db('usage_events')
      .where('started_at', '>=', minute)
      .whereIn(COLUMN[type], ids(type))
      .groupBy(COLUMN[type])
      .select(
        `${COLUMN[type]} as id`,
        db.raw('count(*) as requests'),
        db.raw('sum(prompt_tokens + completion_tokens) as tokens'),
      )) as Array<{ id: string; requests: string; tokens: string }>;
    for (const r of rows)
      Object.assign(entry(type, r.id), {
        requestsThisMinute: Number(r.requests),
        tokensThisMinute: Number(r.tokens),
      });
  }
  const streams = (await db('gateway_stream_slots')
    .whereIn('subject', subjects.map(key))
    .andWhere('expires_at', '>', db.fn.now())
    .groupBy('subject')
    .select('subject', db.raw('count(*) as n'))) as Array<{ subject: string; n: string }>;
  for (const s of streams) {
    const counted = result.get(s.subject);
    if (counted) counted.streams = Number(s.n);
  }
  return result;
}

/** How an assignment's subject is shown: a user's e-mail, a team's name, an API key's name and owner. */
export interface SubjectLabel {
  label: string;
  detail: string;
}

/** Labels of subjects that exist; deleted ones are missing from the map. */
export async function subjectLabels(
  db: Db,
  subjects: readonly Subject[],
): Promise<Map<string, SubjectLabel>> {
  const labels = new Map<string, SubjectLabel>();
  const ids = (type: SubjectType) => subjects.filter((s) => s.type === type).map((s) => s.id);
  if (ids('user').length > 0) {
    for (const u of (await db('users').whereIn('id', ids('user')).select('id', 'email', 'name')) as Array<{
      id: string;
      email: string;
      name: string;
    }>)
      labels.set(`user:${u.id}`, { label: u.name || u.email, detail: u.email });
  }
  if (ids('team').length > 0) {
    for (const t of (await db('teams').whereIn('id', ids('team')).select('id', 'name', 'slug')) as Array<{
      id: string;
      name: string;
      slug: string;
    }>)
      labels.set(`team:${t.id}`, { label: t.name, detail: t.slug });
  }
  if (ids('api_key').length > 0) {
    for (const k of (await db('api_keys as k')
      .join('users as u', 'u.id', 'k.user_id')
      .whereIn('k.id', ids('api_key'))
      .select('k.id', 'k.name', 'k.prefix', 'u.email')) as Array<{
      id: string;
      name: string;
      prefix: string;
      email: string;
    }>)
      labels.set(`api_key:${k.id}`, { label: k.name, detail: `${k.prefix}… of ${k.email}` });
  }
  return labels;
}
