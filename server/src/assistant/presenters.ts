/** The API shapes of the assistant's rows (snake_case, RFC 3339 times; sealed columns never leave). */
import type { ConversationRow, MessageRow } from './conversations/repository.js';
import type { OperationRow } from './operations/repository.js';
import type { ProjectRow, TaskRow, Viewer } from './projects/repository.js';

const time = (d: Date | null) => (d ? d.toISOString() : null);

export const presentProject = (row: ProjectRow, viewer: Viewer) => ({
  id: row.id,
  name: row.name,
  description: row.description,
  owner_id: row.user_id,
  team_id: row.team_id,
  /** Whether the caller owns it (may rename, share or delete it). */
  owned: row.user_id === viewer.userId,
  created_at: time(row.created_at),
  updated_at: time(row.updated_at),
});

export const presentTask = (row: TaskRow) => ({
  id: row.id,
  project_id: row.project_id,
  title: row.title,
  description: row.description,
  status: row.status,
  created_by: row.created_by,
  created_at: time(row.created_at),
  updated_at: time(row.updated_at),
});

export const presentConversation = (row: ConversationRow) => ({
  id: row.id,
  project_id: row.project_id,
  task_id: row.task_id,
  title: row.title,
  message_count: row.message_count,
  created_at: time(row.created_at),
  updated_at: time(row.updated_at),
});

/**
 * A message: its text when it was retained and its key still exists, else `content: null` with the
 * reason (`not_retained`: stored with retention `none` or purged since; `shredded`: key destroyed).
 */
export const presentMessage = (
  row: MessageRow,
  content: string | null,
  missing: 'not_retained' | 'shredded' | null,
) => ({
  id: row.id,
  seq: row.seq,
  role: row.role,
  content,
  content_status: content !== null ? 'retained' : missing,
  content_sha256: row.content_sha256.toString('hex'),
  content_chars: row.content_chars,
  request_id: row.request_id,
  created_at: time(row.created_at),
});

export const presentOperation = (row: OperationRow) => ({
  request_id: row.request_id,
  op: row.op,
  status: row.status,
  error_code: row.error_code,
  project_id: row.project_id,
  task_id: row.task_id,
  conversation_id: row.conversation_id,
  template: { id: row.template_id, version: row.template_version },
  model: row.model,
  backend: row.backend,
  usage: { prompt_tokens: row.prompt_tokens, completion_tokens: row.completion_tokens },
  streamed: row.streamed,
  content_retained: row.content_retained,
  receipt_id: row.receipt_id,
  input_hash: row.input_hash ? row.input_hash.toString('base64url') : null,
  output_hash: row.output_hash ? row.output_hash.toString('base64url') : null,
  summary: row.summary,
  created_at: time(row.created_at),
  finished_at: time(row.finished_at),
});
