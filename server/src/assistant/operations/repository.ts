/** SQL of `assistant_operations`: one metadata row per generate, analyze or chat operation. */
import type { Db } from '../../platform/db/knex.js';
import { type After, afterKey } from '../paging.js';

export interface OperationRow {
  request_id: string;
  user_id: string;
  team_id: string | null;
  op: 'generate' | 'analyze' | 'chat';
  project_id: string | null;
  task_id: string | null;
  conversation_id: string | null;
  template_id: string;
  template_version: number;
  model: string;
  backend: string;
  status: 'ok' | 'error' | 'cancelled';
  error_code: string | null;
  prompt_tokens: number;
  completion_tokens: number;
  streamed: boolean;
  content_retained: boolean;
  receipt_id: string | null;
  input_hash: Buffer | null;
  output_hash: Buffer | null;
  /** Counts and names, never content: files, findings by severity, skipped files. */
  summary: Record<string, unknown>;
  created_at: Date;
  finished_at: Date | null;
}

export async function insertOperation(db: Db, row: OperationRow): Promise<void> {
  await db('assistant_operations').insert({ ...row, summary: JSON.stringify(row.summary) });
}

/** Whether any operation has this request id (a request id names one operation). */
export const operationExists = async (db: Db, requestId: string) =>
  (await db('assistant_operations').where({ request_id: requestId }).first('request_id')) !== undefined;

export const findOperation = (db: Db, userId: string, requestId: string) =>
  db<OperationRow>('assistant_operations')
    .where({ request_id: requestId, user_id: userId })
    .first() as Promise<OperationRow | undefined>;

/** The user's own operations, newest first; `limit + 1` rows. */
export function listOperations(
  db: Db,
  userId: string,
  page: {
    projectId?: string | undefined;
    taskId?: string | undefined;
    op?: OperationRow['op'] | undefined;
    after: After | undefined;
    limit: number;
  },
): Promise<OperationRow[]> {
  const q = db('assistant_operations as o')
    .where('o.user_id', userId)
    .select('o.*')
    .limit(page.limit + 1);
  if (page.projectId) q.where('o.project_id', page.projectId);
  if (page.taskId) q.where('o.task_id', page.taskId);
  if (page.op) q.where('o.op', page.op);
  return afterKey(q, 'o.created_at', 'o.request_id', page.after) as unknown as Promise<OperationRow[]>;
}
