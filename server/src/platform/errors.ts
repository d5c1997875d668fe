/**
 * The error catalogue: every error a client can see has a stable code, an HTTP status and a default
 * message. Services throw {@link AppError}s; the one error handler turns them into responses.
 */
export const ERROR_CATALOGUE = {
  VALIDATION_FAILED: { status: 400, message: 'The request is invalid.' },
  MALFORMED_JSON: { status: 400, message: 'The request body is not valid JSON.' },
  INVALID_ID: { status: 400, message: 'An identifier in the request is malformed.' },
  UNAUTHENTICATED: { status: 401, message: 'Authentication is required.' },
  FORBIDDEN: { status: 403, message: 'You do not have permission to do this.' },
  NOT_FOUND: { status: 404, message: 'The resource does not exist.' },
  ROUTE_NOT_FOUND: { status: 404, message: 'No such endpoint.' },
  METHOD_NOT_ALLOWED: { status: 405, message: 'This method is not allowed here.' },
  CONFLICT: { status: 409, message: 'The resource already exists or was changed concurrently.' },
  REFERENCE_NOT_FOUND: { status: 409, message: 'The request refers to something that does not exist.' },
  PAYLOAD_TOO_LARGE: { status: 413, message: 'The request body is too large.' },
  UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    message: 'The request body has an unsupported content type or encoding.',
  },
  RATE_LIMITED: { status: 429, message: 'Too many requests.' },
  QUOTA_EXCEEDED: { status: 429, message: 'The token budget of this period is used up.' },
  MODEL_NOT_FOUND: { status: 404, message: 'The model does not exist or you do not have access to it.' },
  NO_BACKEND_AVAILABLE: { status: 503, message: 'No healthy backend serves this model right now.' },
  BACKEND_ERROR: { status: 502, message: 'The model backend failed to answer.' },
  BACKEND_TIMEOUT: { status: 504, message: 'The model backend did not answer in time.' },
  BACKEND_REJECTED: {
    status: 422,
    message: 'The model backend refused the request (for example, it is longer than its context).',
  },
  MODEL_OUTPUT_INVALID: {
    status: 502,
    message: "The model's answer is not the JSON object the operation asked for; try again or another model.",
  },
  ARCHIVE_INVALID: { status: 400, message: 'The upload is not a readable .tar.gz archive.' },
  ARCHIVE_UNSAFE_ENTRY: {
    status: 400,
    message: 'The archive holds a refused entry: a link, a device, or a path outside the project.',
  },
  ARCHIVE_TOO_LARGE: { status: 413, message: 'The archive unpacks to more data or entries than allowed.' },
  EVIDENCE_UNAVAILABLE: {
    status: 503,
    message: 'The operation could not be recorded in the evidence log, so its result is withheld.',
  },
  SESSION_EXPIRED: { status: 401, message: 'Your session has expired; sign in again.' },
  INVALID_API_KEY: { status: 401, message: 'The API key is invalid, expired or revoked.' },
  CSRF_FAILED: {
    status: 403,
    message: 'The request lacks a valid x-csrf-token header (see GET /api/v1/me).',
  },
  SSO_UNKNOWN_CONNECTION: { status: 404, message: 'No such single sign-on connection.' },
  SSO_STATE_MISMATCH: {
    status: 400,
    message: 'The sign-in response does not belong to a sign-in started in this browser; start again.',
  },
  SSO_LOGIN_EXPIRED: { status: 400, message: 'The sign-in took too long; start again.' },
  SSO_FAILED: { status: 400, message: 'The identity provider response was refused.' },
  SSO_USER_DISABLED: { status: 403, message: 'This account is disabled; contact an administrator.' },
  SSO_NOT_ENTITLED: {
    status: 403,
    message: 'Your identity provider groups grant no role in AI-LA; contact an administrator.',
  },
  SSO_PROVIDER_UNAVAILABLE: { status: 502, message: 'The identity provider could not be reached.' },
  SAML_SIGNATURE_INVALID: {
    status: 400,
    message:
      'The SAML response is not signed by a trusted identity provider key, or was altered after signing.',
  },
  SAML_REPLAYED: { status: 400, message: 'This SAML assertion was already used; sign in again.' },
  SAML_AUDIENCE_MISMATCH: {
    status: 400,
    message: 'The SAML assertion is meant for another service provider.',
  },
  SAML_ASSERTION_EXPIRED: {
    status: 400,
    message: 'The SAML assertion is expired or not yet valid (check the clocks of both sides).',
  },
  SAML_IN_RESPONSE_TO_INVALID: {
    status: 400,
    message:
      'The SAML message does not answer a request sent from here (unsolicited, unknown or used); start again.',
  },
  SAML_DESTINATION_MISMATCH: {
    status: 400,
    message: 'The SAML message was addressed to another location than this service provider endpoint.',
  },
  SAML_ISSUER_MISMATCH: {
    status: 400,
    message: "The SAML message was issued by another identity provider than the connection's.",
  },
  SAML_RESPONSE_INVALID: { status: 400, message: 'The SAML message is malformed or incomplete.' },
  SCIM_TOKEN_INVALID: { status: 401, message: 'The SCIM bearer token is invalid, expired or revoked.' },
  SCIM_INVALID_FILTER: { status: 400, message: 'The filter is malformed or not supported.' },
  SCIM_INVALID_PATH: { status: 400, message: 'The attribute path is malformed or not supported.' },
  SCIM_INVALID_VALUE: { status: 400, message: 'A required value is missing or a value is invalid.' },
  SCIM_INVALID_SYNTAX: { status: 400, message: 'The request body does not follow the SCIM protocol.' },
  SCIM_NO_TARGET: { status: 400, message: 'The path does not match any attribute or value.' },
  SCIM_MUTABILITY: { status: 400, message: 'The attribute cannot be changed.' },
  SCIM_UNIQUENESS: { status: 409, message: 'Another resource already has this unique value.' },
  DEVICE_CODE_INVALID: {
    status: 404,
    message: 'No pending device sign-in has this code; it may have expired. Start `aila login` again.',
  },
  DEVICE_CODE_DECIDED: { status: 409, message: 'This device sign-in was already approved or denied.' },
  BOOTSTRAP_TOKEN_INVALID: {
    status: 400,
    message: 'The sign-in link is unknown, expired or already used; run `aila admin bootstrap` again.',
  },
  BREAK_GLASS_DISABLED: { status: 404, message: 'Break-glass sign-in is not enabled.' },
  BREAK_GLASS_REFUSED: { status: 401, message: 'Wrong break-glass user name or password.' },
  EXPORT_NOT_READY: {
    status: 409,
    message: 'The export has not finished; its bundle cannot be downloaded yet.',
  },
  EXPORT_EXPIRED: {
    status: 410,
    message: 'The export bundle expired and was deleted; create the export again.',
  },
  EXPORT_NO_CHECKPOINT: {
    status: 409,
    message: 'A log to export has no signed checkpoint yet; try again in a few seconds.',
  },
  EXPORT_CHECKPOINT_MISMATCH: {
    status: 409,
    message:
      "The checkpoint is signed by this log's key but does not match the log's tree at its size; keep it as evidence and report it.",
  },
  EXPORT_CONTENT_UNAVAILABLE: {
    status: 409,
    message: 'Content retention is off, so there is no content to export.',
  },
  EXPORT_BUNDLE_UNAVAILABLE: {
    status: 503,
    message:
      'The bundle file is not on this replica (the exports volume is not shared); retry, or use a ReadWriteMany volume.',
  },
  EXPORT_BUNDLE_CORRUPT: {
    status: 500,
    message:
      'The bundle file no longer matches the SHA-256 recorded when it was written, so it was not served; create the export again.',
  },
  RANGE_NOT_SATISFIABLE: { status: 416, message: 'The requested range is outside the file.' },
  CONTENT_KEY_MISSING: {
    status: 409,
    message:
      'Content cannot be retained: no key-encryption key is configured (content.keyEncryptionKey, see docs/data-protection.md).',
  },
  LEGAL_HOLD_ACTIVE: {
    status: 409,
    message: 'A legal hold covers this data; release the hold before deleting or shredding it.',
  },
  RETENTION_RUNNING: {
    status: 409,
    message: 'A retention run is in progress; try again when it has finished.',
  },
  INTERNAL: { status: 500, message: 'An internal error occurred.' },
  NOT_READY: { status: 503, message: 'The service is not ready.' },
  SHUTTING_DOWN: { status: 503, message: 'The service is shutting down.' },
  DATABASE_UNAVAILABLE: { status: 503, message: 'The database is unavailable.' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

/** One field-level problem, as in `VALIDATION_FAILED` details. */
export interface FieldProblem {
  field: string;
  message: string;
}

/** An error with a stable code that is safe to show to clients. */
export class AppError extends Error {
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    message?: string,
    readonly details?: unknown,
    readonly headers?: Record<string, string>,
  ) {
    super(message ?? ERROR_CATALOGUE[code].message);
    this.name = 'AppError';
    this.status = ERROR_CATALOGUE[code].status;
  }
}

/** Shorthand: `throw appError('NOT_FOUND', 'No such key.')`. */
export const appError = (code: ErrorCode, message?: string, details?: unknown) =>
  new AppError(code, message, details);

interface PgError {
  code?: unknown;
  constraint?: unknown;
  routine?: unknown;
}

/**
 * Translates PostgreSQL errors that a client's input can cause into catalogue errors, in one place.
 * Everything else stays an internal error. Codes: PostgreSQL "Appendix A. Error Codes".
 */
export function translateDatabaseError(err: unknown): AppError | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const { code } = err as PgError;
  switch (code) {
    case '23505':
      return new AppError('CONFLICT');
    case '23503':
      return new AppError('REFERENCE_NOT_FOUND');
    case '22P02':
    case '22003':
    case '22001':
      return new AppError('VALIDATION_FAILED', 'A value in the request has the wrong form or size.');
    case '57014':
      return new AppError('DATABASE_UNAVAILABLE', 'The database did not answer in time.');
    case 'ECONNREFUSED':
    case '57P01':
    case '57P03':
    case '53300':
      return new AppError('DATABASE_UNAVAILABLE');
    default:
      return undefined;
  }
}
