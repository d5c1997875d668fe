/**
 * The audit trail query API, behind `audit:read`: events newest first with filters and keyset
 * pagination, and one event with its `audit` log inclusion proof once integrated.
 */
import type { Knex } from 'knex';
import { AppError } from '../../platform/errors.js';
import { type Validated, validate } from '../../platform/http/validate.js';
import { formatTlogProof } from '../core/index.js';
import type { LogDescriptor } from '../logs.js';
import type { ProofService } from '../proofs.js';
import { pendingId } from '../receipt-service.js';
import { AuditIdParams, AuditSearchQuery } from '../schemas.js';
import { decodeCursor, encodeCursor, parseTime, type ScopeResolver } from '../scope.js';
import {
  type AuditEventRow,
  type AuditFilter,
  findAuditEvent,
  searchAuditEvents,
} from '../store/audit-repository.js';
import { withConnection } from '../store/sql.js';
import type { RouteDeclarer } from './declarer.js';

export interface AuditRoutesDeps {
  db: Knex;
  auditLog: LogDescriptor;
  proofs: ProofService;
  scopeOf: ScopeResolver;
}

const present = (row: AuditEventRow) => ({
  event: row.event,
  log_index: row.index,
  pending_id: row.leafId === null ? null : pendingId(row.leafId),
});

const invalid = (field: string, message: string) =>
  new AppError('VALIDATION_FAILED', undefined, [{ field: `query.${field}`, message }]);

function toFilter(q: Validated<{ query: typeof AuditSearchQuery }>['query']): AuditFilter {
  const filter: AuditFilter = { limit: q.limit };
  for (const field of ['from', 'to'] as const) {
    const value = q[field];
    if (value === undefined) continue;
    const ms = parseTime(value);
    if (ms === undefined) throw invalid(field, 'must be Unix milliseconds or an RFC 3339 date-time');
    filter[field] = ms;
  }
  if (q.action !== undefined) filter.action = q.action;
  if (q.actor !== undefined) filter.actor = q.actor;
  if (q.outcome !== undefined) filter.outcome = q.outcome;
  if (q.target !== undefined) {
    const colon = q.target.indexOf(':');
    filter.target =
      colon < 0 ? { id: q.target } : { type: q.target.slice(0, colon), id: q.target.slice(colon + 1) };
  }
  if (q.cursor !== undefined) {
    const after = decodeCursor(q.cursor, 1);
    if (after === undefined) throw invalid('cursor', 'is malformed');
    filter.afterSeq = after[0] as number;
  }
  return filter;
}

/** Declares the audit query routes (access `audit:read`). */
export function declareAuditRoutes(r: RouteDeclarer, deps: AuditRoutesDeps): void {
  r.get('/api/v1/audit/events', 'audit:read', validate({ query: AuditSearchQuery }), async (req, res) => {
    const q = (req as Validated<{ query: typeof AuditSearchQuery }>).query;
    const scope = await deps.scopeOf(req);
    const rows = await withConnection(deps.db, (c) => searchAuditEvents(c, toFilter(q), scope));
    const last = rows.at(-1);
    res.json({
      items: rows.map(present),
      next_cursor: rows.length === q.limit && last !== undefined ? encodeCursor([last.seq]) : null,
    });
  });

  r.get('/api/v1/audit/events/:id', 'audit:read', validate({ params: AuditIdParams }), async (req, res) => {
    const { id } = (req as Validated<{ params: typeof AuditIdParams }>).params;
    const scope = await deps.scopeOf(req);
    const row = await withConnection(deps.db, (c) => findAuditEvent(c, id.toLowerCase(), scope));
    if (row === undefined) throw new AppError('NOT_FOUND', 'No such audit event.');
    let proof: string | null = null;
    if (row.index !== null) {
      const p = await deps.proofs.inclusion(deps.auditLog, row.index);
      proof = formatTlogProof({ index: p.index, hashes: p.hashes, checkpoint: p.checkpoint.note });
    }
    res.json({ ...present(row), log: deps.auditLog.origin, proof });
  });
}
