/** The OpenAI-compatible gateway (server/src/gateway): models, streaming chat, backends admin, usage. */
import type { Receipt } from '../evidence/receipt.js';
import { ApiError, api, send } from './client.js';
import { readEvents } from './sse.js';
import { teamHeaders } from './team.js';

export interface Model {
  id: string;
  object: 'model';
  created: number;
  owned_by: string;
}

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface ChatUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

/** What a finished streamed answer leaves behind for verification. */
export interface ChatResult {
  text: string;
  finishReason: string | null;
  usage: ChatUsage | null;
  receipt: Receipt | null;
  requestId: string | null;
  /** The JSON request body as sent (its JCS is `input_hash`). */
  requestBody: Record<string, unknown>;
  /** The bytes of the response before the receipt event (their SHA-256 is `output_hash`). */
  outputBytes: Uint8Array | null;
  status: 'ok' | 'cancelled' | 'error';
  error?: ApiError;
}

interface ChunkData {
  object?: string;
  tecp_receipt?: Receipt;
  choices?: Array<{ delta?: { content?: string | null }; finish_reason?: string | null }>;
  usage?: ChatUsage | null;
  error?: { message?: string; code?: string; type?: string };
}

/**
 * Streams a chat completion: calls `onDelta` with each piece of text as it arrives and resolves with
 * the answer, its usage and its TECP receipt. Aborting the signal cancels the call (the appliance
 * records a cancelled receipt).
 */
export async function streamChat(
  input: { model: string; messages: ChatMessage[]; signal: AbortSignal },
  onDelta: (text: string) => void,
): Promise<ChatResult> {
  const requestBody = {
    model: input.model,
    messages: input.messages,
    stream: true,
    stream_options: { include_usage: true },
  };
  const result: ChatResult = {
    text: '',
    finishReason: null,
    usage: null,
    receipt: null,
    requestId: null,
    requestBody,
    outputBytes: null,
    status: 'ok',
  };
  const response = await send('POST', '/v1/chat/completions', {
    body: requestBody,
    signal: input.signal,
    accept: 'text/event-stream',
    headers: teamHeaders(),
  });
  result.requestId = response.headers.get('x-request-id');
  const end = await readEvents(response, input.signal, (event) => {
    const data = event.data as ChunkData;
    if (data.object === 'tecp.receipt' && data.tecp_receipt) {
      result.receipt = data.tecp_receipt;
      result.outputBytes = event.before();
      return;
    }
    if (data.error) {
      result.status = 'error';
      result.error = new ApiError(
        502,
        (data.error.code ?? 'BACKEND_ERROR').toUpperCase(),
        data.error.message ?? 'The model backend failed while answering.',
      );
      return;
    }
    if (data.usage) result.usage = data.usage;
    const choice = data.choices?.[0];
    const piece = choice?.delta?.content;
    if (piece) {
      result.text += piece;
      onDelta(piece);
    }
    if (choice?.finish_reason) result.finishReason = choice.finish_reason;
  });
  if (end === 'aborted') result.status = 'cancelled';
  return result;
}

export interface BackendView {
  id: string;
  group: string;
  source: 'static' | 'dns';
  url: string;
  models: string[];
  labels: Record<string, string>;
  weight: number;
  max_concurrency: number;
  up: boolean;
  routable: boolean;
  drained: boolean;
  circuit: 'closed' | 'open' | 'half_open';
  consecutive_failures: number;
  in_flight: number;
  latency_ms: number | null;
  probe_ms: number | null;
  last_check_at: string | null;
  last_error: string | null;
}

export interface UsageTotals {
  requests: number;
  errors: number;
  cancelled: number;
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  avg_latency_ms: number | null;
  avg_ttft_ms: number | null;
}

export type UsageRow = UsageTotals & {
  day?: string | null;
  user_id?: string | null;
  team_id?: string | null;
  model?: string | null;
};

export interface UsageAnswer {
  from: string;
  to: string;
  group_by: string[];
  data: UsageRow[];
  totals: UsageTotals;
}

export type UsageDimension = 'day' | 'user' | 'team' | 'model';

export interface UsageQuery {
  from?: string;
  to?: string;
  model?: string;
  user_id?: string;
  team_id?: string;
  group_by?: UsageDimension[];
}

const usageQuery = (q: UsageQuery) => ({ ...q, group_by: q.group_by?.join(',') });

export const gateway = {
  models: () => api.get<{ object: 'list'; data: Model[] }>('/v1/models'),
  backends: () => api.get<{ data: BackendView[] }>('/api/v1/admin/backends'),
  drain: (id: string, reason: string) =>
    api.post<{ data: BackendView[] }>(
      `/api/v1/admin/backends/${encodeURIComponent(id)}/drain`,
      reason ? { reason } : {},
    ),
  enable: (id: string) =>
    api.post<{ data: BackendView[] }>(`/api/v1/admin/backends/${encodeURIComponent(id)}/enable`),
  ownUsage: (q: Omit<UsageQuery, 'user_id' | 'team_id'>) =>
    api.get<UsageAnswer>('/api/v1/user/usage', { query: usageQuery(q) }),
  usage: (q: UsageQuery) => api.get<UsageAnswer>('/api/v1/admin/usage', { query: usageQuery(q) }),
};
