/** Audit event search over `audit_events`, with each event's place in the `audit` log. */
import type { AuditEvent } from '../../audit/index.js';
import { LOG_IDS } from '../logs.js';
import type { ReadScope } from '../scope.js';
import { type SqlClient, toNumber } from './sql.js';

/** An audit event with its leaf id and (once integrated) log index. */
export interface AuditEventRow {
  seq: number;
  event: AuditEvent;
  leafId: number | null;
  index: number | null;
}

export interface AuditFilter {
  from?: number;
  to?: number;
  /** An action, or a prefix ending in `.*` (e.g. `auth.*`). */
  action?: string;
  actor?: string;
  target?: { type?: string; id: string };
  outcome?: string;
  /** Keyset position: the `seq` of the last event of the previous page. */
  afterSeq?: number;
  limit: number;
}

interface Row {
  seq: string;
  event: AuditEvent;
  leaf_id: string | null;
  idx: string | null;
}

const fromRow = (r: Row): AuditEventRow => ({
  seq: toNumber(r.seq),
  event: r.event,
  leafId: r.leaf_id === null ? null : toNumber(r.leaf_id),
  index: r.idx === null ? null : toNumber(r.idx),
});

const SELECT = `
  select a.seq, a.event, m.leaf_id, e.idx
    from audit_events a
    left join audit_event_leaves m on m.event_id = a.id
    left join log_entries e on e.log = ${LOG_IDS.audit} and e.leaf_id = m.leaf_id`;

/**
 * Scope of audit events: own = events the user performed; team = also events performed by members of
 * the teams, or targeting the teams.
 */
function scopeCondition(scope: ReadScope, values: unknown[]): string {
  if (scope.kind === 'all') return 'true';
  values.push(scope.userId);
  const own = `a.actor_id = $${values.length}`;
  if (scope.kind === 'own') return own;
  values.push(scope.teamIds);
  const teams = `$${values.length}::uuid[]`;
  return `(${own}
    or a.actor_id in (select user_id::text from team_members where team_id = any(${teams}))
    or (a.target_type = 'team' and a.target_id = any(${teams}::text[])))`;
}

/** One event by id, if within scope. */
export async function findAuditEvent(
  client: SqlClient,
  id: string,
  scope: ReadScope,
): Promise<AuditEventRow | undefined> {
  const values: unknown[] = [id];
  const { rows } = await client.query<Row>(
    `${SELECT} where a.id = $1 and ${scopeCondition(scope, values)}`,
    values,
  );
  return rows[0] === undefined ? undefined : fromRow(rows[0]);
}

/** A page of events, newest first. */
export async function searchAuditEvents(
  client: SqlClient,
  filter: AuditFilter,
  scope: ReadScope,
): Promise<AuditEventRow[]> {
  const values: unknown[] = [];
  const where = [scopeCondition(scope, values)];
  const add = (sql: (p: string) => string, value: unknown) => {
    values.push(value);
    where.push(sql(`$${values.length}`));
  };
  const ms = (p: string) => `timestamptz 'epoch' + ${p}::bigint * interval '1 millisecond'`;
  if (filter.from !== undefined) add((p) => `a.ts >= ${ms(p)}`, filter.from);
  if (filter.to !== undefined) add((p) => `a.ts < ${ms(p)}`, filter.to);
  if (filter.action !== undefined) {
    if (filter.action.endsWith('.*'))
      add((p) => `a.action like ${p}`, `${filter.action.slice(0, -1).replace(/[\\%_]/g, '\\$&')}%`);
    else add((p) => `a.action = ${p}`, filter.action);
  }
  if (filter.actor !== undefined) add((p) => `a.actor_id = ${p}`, filter.actor);
  if (filter.target?.type !== undefined) add((p) => `a.target_type = ${p}`, filter.target.type);
  if (filter.target !== undefined) add((p) => `a.target_id = ${p}`, filter.target.id);
  if (filter.outcome !== undefined) add((p) => `a.outcome = ${p}`, filter.outcome);
  if (filter.afterSeq !== undefined) add((p) => `a.seq < ${p}`, filter.afterSeq);
  values.push(filter.limit);
  const { rows } = await client.query<Row>(
    `${SELECT} where ${where.join(' and ')} order by a.seq desc limit $${values.length}`,
    values,
  );
  return rows.map(fromRow);
}
