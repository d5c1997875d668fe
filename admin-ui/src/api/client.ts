/**
 * The typed HTTP client of the UI. Same-origin requests with the session cookie; every
 * state-changing request carries the session's CSRF token in `x-csrf-token` (from
 * `GET /api/v1/me`). A 401 means the session is gone: the registered handler sends the user
 * back to sign-in. Server errors surface as {@link ApiError} with the server's own message.
 */

/** Header the appliance checks on cookie-authenticated POST/PUT/PATCH/DELETE. */
export const CSRF_HEADER = 'x-csrf-token';

/** An error answer of the appliance: `{ error: { code, message, details?, request_id? } }`. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly requestId?: string,
    readonly details?: unknown,
  ) {
    super(message);
  }

  /** Field problems of a VALIDATION_FAILED answer, as `field: message` lines. */
  get fieldProblems(): string[] {
    if (!Array.isArray(this.details)) return [];
    return this.details.flatMap((d: unknown) => {
      if (typeof d !== 'object' || d === null) return [];
      const { field, message } = d as { field?: unknown; message?: unknown };
      return typeof field === 'string' && typeof message === 'string' ? [`${field}: ${message}`] : [];
    });
  }
}

type UnauthorizedHandler = (code: string) => void;

const state: { csrfToken: string | undefined; onUnauthorized: UnauthorizedHandler | undefined } = {
  csrfToken: undefined,
  onUnauthorized: undefined,
};

/** Remembers the session's CSRF token (from `GET /api/v1/me`). */
export function setCsrfToken(token: string | undefined): void {
  state.csrfToken = token;
}

/** Registers what happens when the server answers 401 (session expired or signed out elsewhere). */
export function onUnauthorized(handler: UnauthorizedHandler | undefined): void {
  state.onUnauthorized = handler;
}

export type Query = Record<string, string | number | boolean | undefined | null>;

/** `path?query` with empty values left out. */
export function withQuery(path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface RequestOptions {
  body?: unknown;
  /** A body sent as is (an upload), with its content type. */
  raw?: { body: Blob | Uint8Array; contentType: string };
  query?: Query;
  signal?: AbortSignal;
  accept?: string;
  /** Extra request headers (e.g. the team a gateway call is charged to). */
  headers?: Record<string, string>;
  /** Do not run the 401 handler (the sign-in page's own probes). */
  quiet401?: boolean;
}

/** Reads an error body in the appliance's shape or the OpenAI-compatible one (`/v1`). */
export async function toApiError(response: Response): Promise<ApiError> {
  const fallback = `${response.status} ${response.statusText || 'error'}`.trim();
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    return new ApiError(response.status, 'HTTP_ERROR', `The server answered ${fallback}.`);
  }
  const error = (body as { error?: unknown }).error;
  if (typeof error === 'object' && error !== null) {
    const e = error as { code?: unknown; message?: unknown; request_id?: unknown; details?: unknown };
    return new ApiError(
      response.status,
      typeof e.code === 'string' ? e.code.toUpperCase() : 'HTTP_ERROR',
      typeof e.message === 'string' ? e.message : `The server answered ${fallback}.`,
      typeof e.request_id === 'string' ? e.request_id : (response.headers.get('x-request-id') ?? undefined),
      e.details,
    );
  }
  return new ApiError(response.status, 'HTTP_ERROR', `The server answered ${fallback}.`);
}

/** Sends a request and returns the raw response when it is 2xx; throws {@link ApiError} otherwise. */
export async function send(method: string, path: string, options: RequestOptions = {}): Promise<Response> {
  const headers = new Headers({ ...options.headers, accept: options.accept ?? 'application/json' });
  if (!SAFE.has(method) && state.csrfToken) headers.set(CSRF_HEADER, state.csrfToken);
  let body: BodyInit | undefined;
  if (options.raw) {
    headers.set('content-type', options.raw.contentType);
    body = options.raw.body as BodyInit;
  } else if (options.body !== undefined) {
    headers.set('content-type', 'application/json');
    body = JSON.stringify(options.body);
  }
  let response: Response;
  try {
    response = await fetch(withQuery(path, options.query), {
      method,
      headers,
      body,
      credentials: 'same-origin',
      cache: 'no-store',
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiError(0, 'NETWORK', 'The appliance could not be reached. Check your connection and retry.');
  }
  if (response.ok) return response;
  const error = await toApiError(response);
  if (response.status === 401 && !options.quiet401) state.onUnauthorized?.(error.code);
  throw error;
}

async function json<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const response = await send(method, path, options);
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

/** JSON requests: `api.get<Me>('/api/v1/me')`. */
export const api = {
  get: <T>(path: string, options?: RequestOptions) => json<T>('GET', path, options),
  post: <T>(path: string, body?: unknown, options?: RequestOptions) =>
    json<T>('POST', path, { ...options, body }),
  put: <T>(path: string, body?: unknown, options?: RequestOptions) =>
    json<T>('PUT', path, { ...options, body }),
  patch: <T>(path: string, body?: unknown, options?: RequestOptions) =>
    json<T>('PATCH', path, { ...options, body }),
  delete: <T>(path: string, options?: RequestOptions) => json<T>('DELETE', path, options),
  text: async (path: string, options?: RequestOptions) =>
    (await send('GET', path, { accept: 'text/plain', ...options })).text(),
};
