/**
 * Routes of the compliance export API (permission `compliance:export`), declared through the route
 * registry by app.ts: one line per route, handlers below.
 */
import type { Request } from 'express';
import type { Knex } from 'knex';
import type { AuditService } from '../../audit/index.js';
import type { EvidenceModule } from '../../evidence/index.js';
import { type DeclaredRouter, handle } from '../../identity/index.js';
import { AppError } from '../../platform/errors.js';
import { streamAuditEvents } from './audit-stream.js';
import type { CallerResolver } from './caller.js';
import { type BundleFiles, sendBundle } from './download.js';
import { presentJob } from './presenter.js';
import { AuditExportQuery, CreateExportBody, ExportIdParams, ListExportsQuery } from './schemas.js';
import type { ExportService } from './service.js';

export interface ExportRoutesDeps {
  db: Knex;
  audit: AuditService;
  evidence: EvidenceModule;
  service: ExportService;
  files: BundleFiles;
  caller: CallerResolver;
}

/** The request as Express types it (validation narrowed its body, query and params). */
const plain = (req: unknown) => req as Request;

const encodeCursor = (createdAt: Date, id: string) =>
  Buffer.from(`${createdAt.toISOString()}|${id}`).toString('base64url');

function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  const [at = '', id = ''] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const createdAt = new Date(at);
  if (Number.isNaN(createdAt.getTime()) || !/^[0-9a-f-]{36}$/.test(id)) {
    throw new AppError('VALIDATION_FAILED', undefined, [{ field: 'query.cursor', message: 'is malformed' }]);
  }
  return { createdAt, id };
}

/** Declares the export routes and the audit JSON Lines export. */
export function declareExportRoutes(r: DeclaredRouter, deps: ExportRoutesDeps): void {
  const { service } = deps;
  const BASE = '/api/v1/compliance/exports';
  r.post(
    BASE,
    'compliance:export',
    ...handle({ body: CreateExportBody }, async (req, res) => {
      const row = await service.create(deps.caller(plain(req)), req.body);
      res.status(202).location(`${BASE}/${row.id}`).json(presentJob(row));
    }),
  );
  r.get(
    BASE,
    'compliance:export',
    ...handle({ query: ListExportsQuery }, async (req, res) => {
      const rows = await service.list(
        req.query.limit,
        req.query.cursor ? decodeCursor(req.query.cursor) : undefined,
      );
      const last = rows.at(-1);
      res.json({
        items: rows.map(presentJob),
        next_cursor: rows.length === req.query.limit && last ? encodeCursor(last.created_at, last.id) : null,
      });
    }),
  );
  r.get(
    `${BASE}/:id`,
    'compliance:export',
    ...handle({ params: ExportIdParams }, async (req, res) => {
      res.setHeader('cache-control', 'no-store');
      res.json(presentJob(await service.get(req.params.id.toLowerCase())));
    }),
  );
  r.get(
    `${BASE}/:id/download`,
    'compliance:export',
    ...handle({ params: ExportIdParams }, async (req, res) => {
      const row = await service.get(req.params.id.toLowerCase());
      await sendBundle(deps, row, deps.caller(plain(req)), plain(req), res);
    }),
  );
  r.delete(
    `${BASE}/:id`,
    'compliance:export',
    ...handle({ params: ExportIdParams }, async (req, res) => {
      await service.delete(deps.caller(plain(req)), req.params.id.toLowerCase());
      res.status(204).end();
    }),
  );
  r.get(
    '/api/v1/audit/export',
    'compliance:export',
    ...handle({ query: AuditExportQuery }, async (req, res) => {
      await streamAuditEvents(deps, req.query, plain(req), res);
    }),
  );
}
