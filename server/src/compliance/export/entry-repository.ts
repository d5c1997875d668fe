/**
 * Reads the integrated entries of a log that an export selects, in log index order below a pinned
 * tree size, one page at a time (keyset on the index), with the metadata the filters need.
 */
import { LOG_IDS, type LogName, type SqlClient } from '../../evidence/index.js';

/** The filters of an export in SQL terms (Unix ms window; empty lists select everything). */
export interface EntryFilter {
  from: number;
  to: number;
  teams: string[];
  users: string[];
  models: string[];
  ops: string[];
}

/** One selected entry: log index, exact leaf bytes and (receipts) the operation's request id. */
export interface SelectedEntry {
  index: number;
  data: Buffer;
  requestId: string | null;
}

const ms = (p: string): string => `timestamptz 'epoch' + ${p}::bigint * interval '1 millisecond'`;

/** The joins and conditions selecting a log's entries; `$1` log, `$2` first index, `$3` size. */
function selection(log: LogName, filter: EntryFilter, values: unknown[]): { joins: string; where: string } {
  const add = (value: unknown) => {
    values.push(value);
    return `$${values.length}`;
  };
  const where = ['e.log = $1', 'e.idx >= $2', 'e.idx < $3'];
  if (log === 'receipts') {
    where.push(`r.ts >= ${ms(add(filter.from))}`, `r.ts < ${ms(add(filter.to))}`);
    if (filter.teams.length > 0) where.push(`r.team = any(${add(filter.teams)}::uuid[])`);
    if (filter.users.length > 0) where.push(`r.subject = any(${add(filter.users)}::uuid[])`);
    if (filter.models.length > 0) where.push(`r.model = any(${add(filter.models)}::text[])`);
    if (filter.ops.length > 0) where.push(`r.op = any(${add(filter.ops)}::text[])`);
    return { joins: 'join receipts r on r.id = e.leaf_id', where: where.join(' and ') };
  }
  where.push(`a.ts >= ${ms(add(filter.from))}`, `a.ts < ${ms(add(filter.to))}`);
  // The audit side of the filters, as bundle/format.ts auditMismatch states it for verifiers.
  if (filter.users.length > 0 || filter.teams.length > 0) {
    const users = add(filter.users);
    const teams = add(filter.teams);
    where.push(`(a.actor_id = any(${users}::text[])
      or (a.target_type = 'user' and a.target_id = any(${users}::text[]))
      or (a.target_type = 'team' and a.target_id = any(${teams}::text[])))`);
  }
  return {
    joins: 'join audit_event_leaves m on m.leaf_id = e.leaf_id join audit_events a on a.id = m.event_id',
    where: where.join(' and '),
  };
}

/** Number of entries below `size` that the filter selects (the progress total). */
export async function countEntries(
  client: SqlClient,
  log: LogName,
  size: number,
  filter: EntryFilter,
): Promise<number> {
  const values: unknown[] = [LOG_IDS[log], 0, size];
  const { joins, where } = selection(log, filter, values);
  const { rows } = await client.query<{ n: string }>(
    `select count(*) as n from log_entries e ${joins} where ${where}`,
    values,
  );
  return Number(rows[0]?.n ?? 0);
}

/** The next page of selected entries with index >= `first`, below `size`, ascending. */
export async function entryPage(
  client: SqlClient,
  log: LogName,
  range: { first: number; size: number },
  filter: EntryFilter,
  limit: number,
): Promise<SelectedEntry[]> {
  const values: unknown[] = [LOG_IDS[log], range.first, range.size];
  const { joins, where } = selection(log, filter, values);
  values.push(limit);
  const extra = log === 'receipts' ? ', r.request_id' : ', null as request_id';
  const { rows } = await client.query<{ idx: string; data: Buffer; request_id: string | null }>(
    `select e.idx, l.data${extra}
       from log_entries e ${joins} join log_leaves l on l.id = e.leaf_id
      where ${where} order by e.idx limit $${values.length}`,
    values,
  );
  return rows.map((r) => ({ index: Number(r.idx), data: r.data, requestId: r.request_id }));
}
