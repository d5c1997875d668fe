/** Receipt lookups and search over `receipts`, `log_leaves` and `log_entries`. */
import { LOG_IDS } from '../logs.js';
import type { ReadScope } from '../scope.js';
import { type SqlClient, toMs, toNumber } from './sql.js';

/** A receipt's metadata and where it is in the log. */
export interface ReceiptRow {
  leafId: number;
  /** Log index, or null while pending. */
  index: number | null;
  ts: number;
  subject: string;
  team: string | null;
  model: string;
  op: string;
  status: string;
  requestId: string;
}

/** A receipt with its leaf data. */
export interface ReceiptWithData extends ReceiptRow {
  data: Buffer;
}

export interface ReceiptFilter {
  from?: number;
  to?: number;
  user?: string;
  team?: string;
  model?: string;
  op?: string;
  status?: string;
  /** Keyset position: the (ts, leaf id) of the last item of the previous page. */
  after?: { ts: number; leafId: number };
  limit: number;
}

interface Row {
  id: string;
  idx: string | null;
  ts: Date;
  subject: string;
  team: string | null;
  model: string;
  op: string;
  status: string;
  request_id: string;
  data?: Buffer;
}

const fromRow = (r: Row): ReceiptRow => ({
  leafId: toNumber(r.id),
  index: r.idx === null ? null : toNumber(r.idx),
  ts: toMs(r.ts),
  subject: r.subject,
  team: r.team,
  model: r.model,
  op: r.op,
  status: r.status,
  requestId: r.request_id,
});

const COLUMNS = 'r.id, e.idx, r.ts, r.subject, r.team, r.model, r.op, r.status, r.request_id';
const ms = (p: string): string => `timestamptz 'epoch' + ${p}::bigint * interval '1 millisecond'`;

/** SQL condition and parameters restricting rows to a scope. */
function scopeCondition(scope: ReadScope, values: unknown[]): string {
  if (scope.kind === 'all') return 'true';
  values.push(scope.userId);
  const user = `r.subject = $${values.length}`;
  if (scope.kind === 'own') return user;
  values.push(scope.teamIds);
  return `(${user} or r.team = any($${values.length}::uuid[]))`;
}

/** One receipt by leaf id or by log index, if within `scope`. */
export async function findReceipt(
  client: SqlClient,
  key: { leafId: number } | { index: number },
  scope: ReadScope,
): Promise<ReceiptWithData | undefined> {
  const values: unknown[] = [LOG_IDS.receipts];
  let where: string;
  if ('leafId' in key) {
    values.push(key.leafId);
    where = `r.id = $${values.length}`;
  } else {
    values.push(key.index);
    where = `r.id = (select leaf_id from log_entries where log = $1 and idx = $${values.length})`;
  }
  const { rows } = await client.query<Row>(
    `select ${COLUMNS}, l.data
       from receipts r
       join log_leaves l on l.id = r.id and l.log = $1
       left join log_entries e on e.leaf_id = r.id
      where ${where} and ${scopeCondition(scope, values)}`,
    values,
  );
  const row = rows[0];
  return row === undefined ? undefined : { ...fromRow(row), data: row.data as Buffer };
}

/** Receipts whose subject and ts match (how a presented receipt is found in the log). */
export async function receiptsAt(client: SqlClient, subject: string, ts: number): Promise<ReceiptWithData[]> {
  const { rows } = await client.query<Row>(
    `select ${COLUMNS}, l.data
       from receipts r join log_leaves l on l.id = r.id
       left join log_entries e on e.leaf_id = r.id
      where r.subject = $1 and r.ts = ${ms('$2')}`,
    [subject, ts],
  );
  return rows.map((row) => ({ ...fromRow(row), data: row.data as Buffer }));
}

/** A page of receipts, newest first. */
export async function searchReceipts(
  client: SqlClient,
  filter: ReceiptFilter,
  scope: ReadScope,
): Promise<ReceiptRow[]> {
  const values: unknown[] = [];
  const where = [scopeCondition(scope, values)];
  const add = (sql: (p: string) => string, value: unknown) => {
    values.push(value);
    where.push(sql(`$${values.length}`));
  };
  if (filter.from !== undefined) add((p) => `r.ts >= ${ms(p)}`, filter.from);
  if (filter.to !== undefined) add((p) => `r.ts < ${ms(p)}`, filter.to);
  if (filter.user !== undefined) add((p) => `r.subject = ${p}::uuid`, filter.user);
  if (filter.team !== undefined) add((p) => `r.team = ${p}::uuid`, filter.team);
  if (filter.model !== undefined) add((p) => `r.model = ${p}`, filter.model);
  if (filter.op !== undefined) add((p) => `r.op = ${p}`, filter.op);
  if (filter.status !== undefined) add((p) => `r.status = ${p}`, filter.status);
  if (filter.after !== undefined) {
    values.push(filter.after.ts, filter.after.leafId);
    where.push(`(r.ts, r.id) < (${ms(`$${values.length - 1}`)}, $${values.length}::bigint)`);
  }
  values.push(filter.limit);
  const { rows } = await client.query<Row>(
    `select ${COLUMNS}
       from receipts r left join log_entries e on e.leaf_id = r.id
      where ${where.join(' and ')}
      order by r.ts desc, r.id desc
      limit $${values.length}`,
    values,
  );
  return rows.map(fromRow);
}
