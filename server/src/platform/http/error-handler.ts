import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { AppError, translateDatabaseError } from '../errors.js';

/** body-parser failure types (body-parser 2 README, "Errors") mapped to catalogue codes. */
const BODY_ERRORS: Record<string, AppError> = {
  'entity.parse.failed': new AppError('MALFORMED_JSON'),
  'entity.too.large': new AppError('PAYLOAD_TOO_LARGE'),
  'encoding.unsupported': new AppError('UNSUPPORTED_MEDIA_TYPE'),
  'charset.unsupported': new AppError('UNSUPPORTED_MEDIA_TYPE'),
  'request.size.invalid': new AppError(
    'VALIDATION_FAILED',
    'The request body length does not match Content-Length.',
  ),
  'request.aborted': new AppError('VALIDATION_FAILED', 'The request body was not received completely.'),
};

export function asAppError(err: unknown): AppError | undefined {
  if (err instanceof AppError) return err;
  const type = (err as { type?: unknown } | null)?.type;
  if (typeof type === 'string' && BODY_ERRORS[type]) return BODY_ERRORS[type];
  return translateDatabaseError(err);
}

/** OpenAI error `type` values for the OpenAI-compatible routes. */
function openAiType(status: number): string {
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 429) return 'rate_limit_error';
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
}

/**
 * The body of an error response: OpenAI's error shape on the OpenAI-compatible routes (`/v1/...`),
 * the appliance's own elsewhere.
 */
export function errorResponseBody(error: AppError, path: string, requestId: string): object {
  if (!path.startsWith('/v1/')) return errorBody(error, requestId);
  return {
    error: {
      message: error.message,
      type: openAiType(error.status),
      param: null,
      code: error.code.toLowerCase(),
    },
  };
}

/** Logs an error about to be answered: unexpected ones with their stack, known 5xx as warnings. */
export function logError(log: Logger | undefined, err: unknown, known: AppError | undefined): AppError {
  const error = known ?? new AppError('INTERNAL');
  if (!known) log?.error({ err }, 'unhandled error');
  else if (error.status >= 500) log?.warn({ errorCode: error.code, err }, 'request failed');
  return error;
}

/** The one error handler: stable codes to clients, full detail (with stack) only in the log. */
export const errorHandler: ErrorRequestHandler = (err, req, res, _next) => {
  const error = logError(req.log, err, asAppError(err));
  if (res.headersSent) {
    // A stream already started: the only honest signal left is to cut the connection.
    res.destroy();
    return;
  }
  for (const [name, value] of Object.entries(error.headers ?? {})) res.setHeader(name, value);
  res.status(error.status).json(errorResponseBody(error, req.path, req.id));
};

/** The appliance's error body (STYLE.md "Errors"): `{ error: { code, message, details, request_id } }`. */
export const errorBody = (error: AppError, requestId: string) => ({
  error: {
    code: error.code,
    message: error.message,
    ...(error.details === undefined ? {} : { details: error.details }),
    request_id: requestId,
  },
});

/** Catch-all after every router: an unknown path is a 404 with a code, never Express's HTML page. */
export const notFoundHandler: RequestHandler = () => {
  throw new AppError('ROUTE_NOT_FOUND');
};
