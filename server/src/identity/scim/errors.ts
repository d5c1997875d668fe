import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { AuditService } from '../../audit/index.js';
import type { Db } from '../../platform/db/knex.js';
import { AppError, type ErrorCode, translateDatabaseError } from '../../platform/errors.js';
import { ERROR_SCHEMA, SCIM_MEDIA_TYPE } from './resources.js';

/** RFC 7644 §3.12 table 9: the scimType of each error this server answers with. */
const SCIM_TYPES: Partial<Record<ErrorCode, string>> = {
  SCIM_INVALID_FILTER: 'invalidFilter',
  SCIM_INVALID_PATH: 'invalidPath',
  SCIM_INVALID_VALUE: 'invalidValue',
  SCIM_INVALID_SYNTAX: 'invalidSyntax',
  SCIM_NO_TARGET: 'noTarget',
  SCIM_MUTABILITY: 'mutability',
  SCIM_UNIQUENESS: 'uniqueness',
  CONFLICT: 'uniqueness',
  VALIDATION_FAILED: 'invalidValue',
  MALFORMED_JSON: 'invalidSyntax',
};

/** body-parser failures (body-parser 2 README, "Errors"). */
function bodyError(err: unknown): AppError | undefined {
  const type = (err as { type?: unknown } | null)?.type;
  if (type === 'entity.parse.failed')
    return new AppError('SCIM_INVALID_SYNTAX', 'The request body is not valid JSON.');
  if (type === 'entity.too.large') return new AppError('PAYLOAD_TOO_LARGE');
  if ((typeof type === 'string' && type.startsWith('charset')) || type === 'encoding.unsupported') {
    return new AppError('UNSUPPORTED_MEDIA_TYPE');
  }
  return undefined;
}

/** Answers a SCIM response: `application/scim+json` (RFC 7644 §3.1). */
export function sendScim(res: Parameters<RequestHandler>[1], status: number, body: unknown): void {
  res.status(status).setHeader('content-type', `${SCIM_MEDIA_TYPE}; charset=utf-8`);
  res.json(body);
}

/** Unknown paths under /scim/v2 answer in the SCIM error format. */
export const scimNotFound: RequestHandler = () => {
  throw new AppError('ROUTE_NOT_FOUND', 'No such SCIM endpoint.');
};

/**
 * The SCIM routes' error handler: every error as an RFC 7644 §3.12 error response, `status` as a
 * string, `scimType` where the RFC defines one. Refused changes are audited (`scim.request`, failure).
 */
export function scimErrorHandler(deps: { db: Db; audit: AuditService }): ErrorRequestHandler {
  return async (err, req, res, next) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    const known = err instanceof AppError ? err : (bodyError(err) ?? translateDatabaseError(err));
    const error = known ?? new AppError('INTERNAL');
    if (!known) req.log?.error({ err }, 'unhandled error');
    if (req.scim && req.method !== 'GET') {
      await deps.audit
        .record(deps.db, {
          action: 'scim.request',
          outcome: 'failure',
          actor: { type: 'scim', id: req.scim.tokenId },
          details: {
            method: req.method,
            path: req.path.slice(0, 256),
            status: error.status,
            code: error.code,
          },
        })
        .catch((auditErr: unknown) =>
          req.log?.error({ err: auditErr }, 'audit of a refused SCIM request failed'),
        );
    }
    for (const [name, value] of Object.entries(error.headers ?? {})) res.setHeader(name, value);
    const scimType = SCIM_TYPES[error.code];
    sendScim(res, error.status, {
      schemas: [ERROR_SCHEMA],
      status: String(error.status),
      ...(scimType ? { scimType } : {}),
      detail: error.message,
    });
  };
}
