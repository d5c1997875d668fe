/** SQL of `operation_content`: sealed request and response bytes of AI operations. */
import type { Db } from '../platform/db/knex.js';

export interface OperationContentRow {
  request_id: string;
  user_id: string;
  team_id: string | null;
  op: string;
  project: string | null;
  task: string | null;
  created_at: Date;
  input_media_type: string;
  input_sealed: Buffer;
  output_media_type: string;
  output_sealed: Buffer;
}

/**
 * Inserts one operation's content; false when content for this request id is already stored (a
 * client that reused an `x-request-id`): the first stays, and the caller must not claim retention.
 */
export async function insertOperationContent(
  db: Db,
  row: Omit<OperationContentRow, 'created_at'>,
): Promise<boolean> {
  const inserted = (await db('operation_content')
    .insert(row)
    .onConflict('request_id')
    .ignore()
    .returning('request_id')) as unknown[];
  return inserted.length === 1;
}

export async function findOperationContent(db: Db, requestIds: string[]): Promise<OperationContentRow[]> {
  if (requestIds.length === 0) return [];
  return db('operation_content').whereIn('request_id', requestIds).select('*') as Promise<
    OperationContentRow[]
  >;
}

/**
 * Deletes operation content created before `before`, except that of held users and teams, at most
 * `limit` rows per call (the retention job repeats until nothing is left).
 */
export async function purgeOperationContent(
  db: Db,
  before: Date,
  held: { users: string[]; teams: string[] },
  limit: number,
): Promise<number> {
  const result = await db.raw(
    `delete from operation_content where request_id in (
       select request_id from operation_content
        where created_at < ?
          and not (user_id = any(?::uuid[]))
          and (team_id is null or not (team_id = any(?::uuid[])))
        limit ?)`,
    [before, held.users, held.teams, limit],
  );
  return (result as { rowCount: number }).rowCount;
}
