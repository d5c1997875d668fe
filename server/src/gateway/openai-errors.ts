import type { AppError } from '../platform/errors.js';

/** OpenAI's error body: `{ "error": { "message", "type", "param", "code" } }`. */
export interface OpenAiErrorBody {
  error: { message: string; type: string; param: string | null; code: string | number | null };
}

/** OpenAI error `type` for an HTTP status (https://platform.openai.com/docs/guides/error-codes). */
export function openAiType(status: number): string {
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 429) return 'rate_limit_error';
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
}

/** The body the platform error handler renders for an AppError on a `/v1/` path. */
export function appErrorBody(error: AppError): OpenAiErrorBody {
  return {
    error: {
      message: error.message,
      type: openAiType(error.status),
      param: null,
      code: error.code.toLowerCase(),
    },
  };
}

/**
 * A replica's error answer in OpenAI's shape. vLLM before 0.10.1 answers flat
 * (`{object:"error", message, type, param, code}`), later versions nest it under `error`
 * (vllm-project/vllm#22099); FastAPI answers `{detail}`, the API-key middleware `{error:"..."}`.
 */
export function upstreamErrorBody(parsed: unknown, status: number): OpenAiErrorBody {
  const fallback = `The model backend answered ${status}.`;
  const source = (parsed ?? {}) as Record<string, unknown>;
  const nested = source.error;
  const info = (
    nested !== null && typeof nested === 'object'
      ? nested
      : typeof nested === 'string'
        ? { message: nested }
        : source
  ) as Record<string, unknown>;
  const message =
    typeof info.message === 'string'
      ? info.message
      : typeof source.detail === 'string'
        ? source.detail
        : fallback;
  const code = info.code;
  return {
    error: {
      message,
      type: openAiType(status),
      param: typeof info.param === 'string' ? info.param : null,
      code: typeof code === 'string' || typeof code === 'number' ? code : null,
    },
  };
}
