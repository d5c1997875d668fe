/**
 * `GET /api/v1/receipts/:id` and `GET /api/v1/receipts` (EVIDENCE.md §1.2), behind `receipts:read`:
 * each caller sees the receipts its scope reaches (own, team, all).
 */
import type { Knex } from 'knex';
import { AppError } from '../../platform/errors.js';
import { type Validated, validate } from '../../platform/http/validate.js';
import { formatTlogProof } from '../core/index.js';
import type { LogDescriptor } from '../logs.js';
import type { ProofService } from '../proofs.js';
import { pendingId } from '../receipt-service.js';
import { ReceiptIdParams, ReceiptSearchQuery } from '../schemas.js';
import { decodeCursor, encodeCursor, parseTime, type ScopeResolver } from '../scope.js';
import {
  findReceipt,
  type ReceiptFilter,
  type ReceiptRow,
  searchReceipts,
} from '../store/receipt-repository.js';
import { withConnection } from '../store/sql.js';
import type { RouteDeclarer } from './declarer.js';

export interface ReceiptRoutesDeps {
  db: Knex;
  receiptsLog: LogDescriptor;
  proofs: ProofService;
  scopeOf: ScopeResolver;
}

/** The metadata view of a receipt: its id is the log index once integrated, else the pending id. */
export function presentReceipt(row: ReceiptRow): Record<string, unknown> {
  return {
    id: row.index === null ? pendingId(row.leafId) : String(row.index),
    state: row.index === null ? 'pending' : 'integrated',
    index: row.index,
    pending_id: pendingId(row.leafId),
    ts: row.ts,
    subject: row.subject,
    team: row.team ?? '',
    model: row.model,
    op: row.op,
    status: row.status,
    request_id: row.requestId,
  };
}

function timeFilter(value: string | undefined, field: string): number | undefined {
  if (value === undefined) return undefined;
  const ms = parseTime(value);
  if (ms === undefined) {
    throw new AppError('VALIDATION_FAILED', undefined, [
      { field: `query.${field}`, message: 'must be Unix milliseconds or an RFC 3339 date-time' },
    ]);
  }
  return ms;
}

/** Declares the receipt routes (access `receipts:read`). */
export function declareReceiptRoutes(r: RouteDeclarer, deps: ReceiptRoutesDeps): void {
  r.get('/api/v1/receipts', 'receipts:read', validate({ query: ReceiptSearchQuery }), async (req, res) => {
    const q = (req as Validated<{ query: typeof ReceiptSearchQuery }>).query;
    const scope = await deps.scopeOf(req);
    const filter: ReceiptFilter = { limit: q.limit };
    const from = timeFilter(q.from, 'from');
    const to = timeFilter(q.to, 'to');
    if (from !== undefined) filter.from = from;
    if (to !== undefined) filter.to = to;
    if (q.user !== undefined) filter.user = q.user.toLowerCase();
    if (q.team !== undefined) filter.team = q.team.toLowerCase();
    if (q.model !== undefined) filter.model = q.model;
    if (q.op !== undefined) filter.op = q.op;
    if (q.status !== undefined) filter.status = q.status;
    if (q.cursor !== undefined) {
      const after = decodeCursor(q.cursor, 2);
      if (after === undefined) {
        throw new AppError('VALIDATION_FAILED', undefined, [
          { field: 'query.cursor', message: 'is malformed' },
        ]);
      }
      filter.after = { ts: after[0] as number, leafId: after[1] as number };
    }
    const rows = await withConnection(deps.db, (c) => searchReceipts(c, filter, scope));
    const last = rows.at(-1);
    res.json({
      items: rows.map(presentReceipt),
      next_cursor:
        rows.length === q.limit && last !== undefined ? encodeCursor([last.ts, last.leafId]) : null,
    });
  });

  r.get('/api/v1/receipts/:id', 'receipts:read', validate({ params: ReceiptIdParams }), async (req, res) => {
    const { id } = (req as Validated<{ params: typeof ReceiptIdParams }>).params;
    const scope = await deps.scopeOf(req);
    const key = id.startsWith('p') ? { leafId: Number(id.slice(1)) } : { index: Number(id) };
    const row = await withConnection(deps.db, (c) => findReceipt(c, key, scope));
    if (row === undefined) throw new AppError('NOT_FOUND', 'No such receipt.');
    let proof: string | null = null;
    if (row.index !== null) {
      const p = await deps.proofs.inclusion(deps.receiptsLog, row.index);
      proof = formatTlogProof({ index: p.index, hashes: p.hashes, checkpoint: p.checkpoint.note });
    }
    res.json({
      ...presentReceipt(row),
      log: deps.receiptsLog.origin,
      receipt: JSON.parse(row.data.toString('utf8')) as unknown,
      proof,
    });
  });
}
