/**
 * Keyset pagination of the assistant's lists: newest first, a page continues after the last item's
 * (time, id). Times are written by the application in whole milliseconds, so a cursor's JavaScript
 * Date compares exactly with the stored timestamp.
 */
import type { Knex } from 'knex';
import { AppError } from '../platform/errors.js';

/** A page of a list, as every assistant list answers. */
export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

export interface After {
  at: Date;
  id: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Decodes `query.cursor`; VALIDATION_FAILED when it was not made by {@link pageOf}. */
export function decodeCursor(cursor: string | undefined): After | undefined {
  if (cursor === undefined) return undefined;
  const [ms, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('.');
  const at = new Date(Number(ms));
  if (!/^\d{1,15}$/.test(ms ?? '') || !UUID.test(id ?? '') || Number.isNaN(at.getTime()))
    throw new AppError('VALIDATION_FAILED', undefined, [{ field: 'query.cursor', message: 'is malformed' }]);
  return { at, id: id as string };
}

/** Restricts a query to the rows after `after` in (`timeColumn` desc, `idColumn` desc) order. */
export function afterKey(
  q: Knex.QueryBuilder,
  timeColumn: string,
  idColumn: string,
  after: After | undefined,
) {
  if (after) q.whereRaw('(??, ??) < (?, ?)', [timeColumn, idColumn, after.at, after.id]);
  return q.orderBy([
    { column: timeColumn, order: 'desc' },
    { column: idColumn, order: 'desc' },
  ]);
}

/** A page from `limit + 1` fetched rows: the extra row only says there is more. */
export function pageOf<R, T>(
  rows: R[],
  limit: number,
  key: (row: R) => After,
  present: (row: R) => T,
): Page<T> {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  const more = rows.length > limit && last !== undefined;
  const cursor = more ? `${key(last).at.getTime()}.${key(last).id}` : null;
  return { items: items.map(present), next_cursor: cursor && Buffer.from(cursor).toString('base64url') };
}
