/**
 * The assistant API (server/src/assistant): projects, tasks, conversations, the operation history,
 * and the streamed operations generate, analyze and chat, each ending with its TECP receipt.
 */
import type { Receipt } from '../evidence/receipt.js';
import { ApiError, api, send } from './client.js';
import { readEvents } from './sse.js';
import { teamHeaders } from './team.js';

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

export interface Project {
  id: string;
  name: string;
  description: string;
  owner_id: string;
  team_id: string | null;
  owned: boolean;
  created_at: string;
  updated_at: string;
}

export type TaskStatus = 'open' | 'in_progress' | 'done';

export interface Task {
  id: string;
  project_id: string;
  title: string;
  description: string;
  status: TaskStatus;
  created_by: string | null;
  created_at: string;
  updated_at: string;
}

export interface Conversation {
  id: string;
  project_id: string | null;
  task_id: string | null;
  title: string | null;
  message_count: number;
  created_at: string;
  updated_at: string;
}

export interface Message {
  id: string;
  seq: number;
  role: 'user' | 'assistant';
  content: string | null;
  content_status: 'retained' | 'not_retained' | 'shredded';
  content_sha256: string;
  content_chars: number;
  request_id: string;
  created_at: string;
}

export interface Operation {
  request_id: string;
  op: 'generate' | 'analyze' | 'chat';
  status: 'ok' | 'error' | 'cancelled';
  error_code: string | null;
  project_id: string | null;
  task_id: string | null;
  conversation_id: string | null;
  template: { id: string; version: number };
  model: string;
  usage: { prompt_tokens: number; completion_tokens: number };
  content_retained: boolean;
  receipt_id: string | null;
  summary: Record<string, unknown>;
  created_at: string;
}

/** The members every operation answer starts with. */
interface AnswerFrame {
  request_id: string;
  project_id: string | null;
  task_id: string | null;
  model: string;
  template: { id: string; version: number };
  usage: { prompt_tokens: number; completion_tokens: number };
  finish_reason: string | null;
}

export interface GeneratedFile {
  path: string;
  language: string;
  content: string;
  bytes: number;
}

export interface Generation extends AnswerFrame {
  object: 'assistant.generation';
  summary: string;
  files: GeneratedFile[];
  notes: string[];
  rejected: Array<{ path: string; reason: string }>;
}

export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'info';
export const SEVERITIES: Severity[] = ['critical', 'high', 'medium', 'low', 'info'];
export const CATEGORIES = [
  'security',
  'correctness',
  'performance',
  'maintainability',
  'style',
  'testing',
  'documentation',
  'other',
] as const;

export interface Finding {
  file: string;
  line: number;
  severity: Severity;
  category: string;
  message: string;
  suggestion: string;
}

export interface Analysis extends AnswerFrame {
  object: 'assistant.analysis';
  summary: string;
  counts: Record<Severity, number>;
  findings: Finding[];
  files: {
    analyzed: Array<{ path: string; language: string; lines: number }>;
    skipped: Array<{ path: string; reason: string }>;
  };
}

export interface ChatAnswer extends AnswerFrame {
  object: 'assistant.chat';
  conversation_id: string;
  message: { id: string; role: 'assistant'; content: string };
}

/** A progress or delta event of a streamed operation. */
export interface StreamEvent {
  object: string;
  stage?: string;
  files?: string[];
  findings?: number;
  chunks?: number;
  content?: string;
}

/** What a streamed operation leaves behind: its result or error, and what verifies its receipt. */
export interface OperationResult<T> {
  status: 'ok' | 'error' | 'cancelled';
  result?: T;
  error?: ApiError;
  receipt: Receipt | null;
  requestId: string | null;
  /** The JSON request as sent (its JCS is input_hash), or the uploaded bytes (raw input). */
  requestBody?: Record<string, unknown>;
  inputBytes?: Uint8Array;
  /** Every byte before the receipt event (their SHA-256 is output_hash). */
  outputBytes: Uint8Array | null;
}

/**
 * Runs an operation as server-sent events: `onEvent` sees progress and deltas as they come; the
 * promise resolves with the result (or error event) and the receipt. Aborting the signal cancels
 * the operation (the appliance records a cancelled receipt).
 */
export async function streamOperation<T>(
  path: string,
  input: { json: Record<string, unknown> } | { upload: Uint8Array; query?: Record<string, string> },
  onEvent: (event: StreamEvent) => void,
  signal: AbortSignal,
): Promise<OperationResult<T>> {
  const json = 'json' in input;
  const outcome: OperationResult<T> = {
    status: 'ok',
    receipt: null,
    requestId: null,
    outputBytes: null,
    ...(json ? { requestBody: input.json } : { inputBytes: input.upload }),
  };
  const response = await send('POST', path, {
    ...(json
      ? { body: input.json }
      : { raw: { body: input.upload, contentType: 'application/gzip' }, query: input.query ?? {} }),
    accept: 'text/event-stream',
    headers: teamHeaders(),
    signal,
  });
  outcome.requestId = response.headers.get('x-request-id');
  const end = await readEvents(response, signal, ({ data, before }) => {
    if (data.object === 'tecp.receipt') {
      outcome.receipt = data.tecp_receipt as Receipt;
      outcome.outputBytes = before();
    } else if (data.object === 'error') {
      const e = data.error as { code: string; message: string; request_id?: string };
      outcome.status = 'error';
      outcome.error = new ApiError(502, e.code, e.message, e.request_id);
    } else if (data.object === 'assistant.progress' || data.object === 'assistant.chat.delta') {
      onEvent(data as unknown as StreamEvent);
    } else outcome.result = data as T;
  });
  if (end === 'aborted') outcome.status = 'cancelled';
  return outcome;
}

const base = (projectId: string) => `/api/v1/projects/${encodeURIComponent(projectId)}`;

export const assistant = {
  projects: (q: { q?: string; cursor?: string; limit?: number } = {}) =>
    api.get<Page<Project>>('/api/v1/projects', { query: q }),
  project: (id: string) => api.get<Project>(base(id)),
  createProject: (body: { name: string; description?: string; team_id?: string | null }) =>
    api.post<Project>('/api/v1/projects', body),
  updateProject: (id: string, body: { name?: string; description?: string; team_id?: string | null }) =>
    api.patch<Project>(base(id), body),
  deleteProject: (id: string) => api.delete<void>(base(id)),
  tasks: (projectId: string, q: { status?: TaskStatus; cursor?: string; limit?: number } = {}) =>
    api.get<Page<Task>>(`${base(projectId)}/tasks`, { query: q }),
  task: (projectId: string, id: string) =>
    api.get<Task>(`${base(projectId)}/tasks/${encodeURIComponent(id)}`),
  createTask: (projectId: string, body: { title: string; description?: string; status?: TaskStatus }) =>
    api.post<Task>(`${base(projectId)}/tasks`, body),
  updateTask: (
    projectId: string,
    id: string,
    body: { title?: string; description?: string; status?: TaskStatus },
  ) => api.patch<Task>(`${base(projectId)}/tasks/${encodeURIComponent(id)}`, body),
  deleteTask: (projectId: string, id: string) =>
    api.delete<void>(`${base(projectId)}/tasks/${encodeURIComponent(id)}`),
  conversations: (q: { project_id?: string; task_id?: string; cursor?: string; limit?: number } = {}) =>
    api.get<Page<Conversation>>('/api/v1/conversations', { query: q }),
  conversation: (id: string) => api.get<Conversation>(`/api/v1/conversations/${encodeURIComponent(id)}`),
  createConversation: (body: { project_id?: string; task_id?: string; title?: string }) =>
    api.post<Conversation>('/api/v1/conversations', body, { headers: teamHeaders() }),
  deleteConversation: (id: string) => api.delete<void>(`/api/v1/conversations/${encodeURIComponent(id)}`),
  messages: (id: string, cursor?: string) =>
    api.get<Page<Message>>(`/api/v1/conversations/${encodeURIComponent(id)}/messages`, {
      query: { cursor, limit: 200 },
    }),
  operations: (q: { project_id?: string; task_id?: string; cursor?: string; limit?: number } = {}) =>
    api.get<Page<Operation>>('/api/v1/operations', { query: q }),
};
