/** Outcome of a call as usage records it. */
export type UsageStatus = 'ok' | 'error' | 'cancelled';

/** One AI call, as recorded in `usage_events`. */
export interface UsageEvent {
  id: string;
  requestId: string;
  startedAt: Date;
  userId: string;
  teamId: string | null;
  apiKeyId: string | null;
  /** `chat_completions`, `completions`, `embeddings`, ... */
  op: string;
  /** The model name the client asked for. */
  model: string;
  /** Id of the replica that served it, `""` when none was reached. */
  backend: string;
  promptTokens: number;
  completionTokens: number;
  /** True when the backend never reported usage (cancelled or broken call) and tokens were estimated. */
  tokensEstimated: boolean;
  status: UsageStatus;
  latencyMs: number;
  /** Time to the first generated chunk, when there was one. */
  ttftMs: number | null;
}

/** Dimensions usage can be grouped by. */
export const USAGE_DIMENSIONS = ['day', 'user', 'team', 'model'] as const;
export type UsageDimension = (typeof USAGE_DIMENSIONS)[number];

/** A usage query over the daily rollup. */
export interface UsageQuery {
  /** First UTC day, YYYY-MM-DD, inclusive. */
  from: string;
  /** Last UTC day, YYYY-MM-DD, inclusive. */
  to: string;
  userId?: string | undefined;
  teamId?: string | undefined;
  model?: string | undefined;
  groupBy: UsageDimension[];
}

/** Totals of a group of calls. */
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

/** One row of a usage answer: the grouped dimensions and their totals. */
export type UsageRow = Partial<Record<'day' | 'user_id' | 'team_id' | 'model', string | null>> & UsageTotals;
