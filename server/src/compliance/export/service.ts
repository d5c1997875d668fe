/**
 * Compliance exports: request (validated, pinned, audited with the job in one transaction), read,
 * list, delete. The job runner builds the bundle; download.ts serves it.
 */
import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Static } from '@sinclair/typebox';
import type { Knex } from 'knex';
import type { AuditService } from '../../audit/index.js';
import type { EvidenceModule } from '../../evidence/index.js';
import { AppError } from '../../platform/errors.js';
import { BUNDLE_LOGS, type BundleQuery, type IncludePart } from '../bundle/format.js';
import type { ExportsConfig } from '../config-schema.js';
import { byCaller, type ExportCaller } from './caller.js';
import type { ContentReader } from './content-reader.js';
import { findJob, insertJob, type JobRow, listJobs, markDeleted } from './job-repository.js';
import { pinLogs, resolveSince } from './pinning.js';
import type { CreateExportBody } from './schemas.js';

export interface ExportServiceDeps {
  db: Knex;
  evidence: EvidenceModule;
  audit: AuditService;
  config: ExportsConfig;
  content: ContentReader | undefined;
  /** Called after a job was queued, so this replica looks for work at once. */
  queued: () => void;
}

const invalid = (field: string, message: string) =>
  new AppError('VALIDATION_FAILED', undefined, [{ field: `body.${field}`, message }]);

const sorted = (list: readonly string[] | undefined, lower = false) =>
  [...new Set((list ?? []).map((v) => (lower ? v.toLowerCase() : v)))].sort();

export class ExportService {
  constructor(private readonly deps: ExportServiceDeps) {}

  /** Validates and queues an export. */
  async create(actor: ExportCaller, body: Static<typeof CreateExportBody>): Promise<JobRow> {
    const from = Date.parse(body.from);
    const to = Date.parse(body.to);
    if (!(from < to)) throw invalid('to', 'must be after from');
    const include = (body.include ?? ['receipts', 'audit']) as IncludePart[];
    if (include.includes('content')) {
      if (!include.includes('receipts'))
        throw invalid('include', 'content needs receipts (each operation is checked against its receipt)');
      if (!actor.mayReadContent) {
        throw new AppError(
          'FORBIDDEN',
          'Exporting retained content needs break-glass access (content:break_glass).',
        );
      }
      if (this.deps.content === undefined || (await this.deps.content.mode()) !== 'full') {
        throw new AppError('EXPORT_CONTENT_UNAVAILABLE');
      }
    }
    const query: BundleQuery = {
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
      teams: sorted(body.teams, true),
      users: sorted(body.users, true),
      models: sorted(body.models),
      ops: sorted(body.ops),
      include: [...(['receipts', 'audit', 'content'] as const)].filter((p) => include.includes(p)),
    };
    const pinned = await pinLogs(
      this.deps.evidence,
      BUNDLE_LOGS.filter((l) => include.includes(l)),
    );
    const since = await resolveSince(this.deps.evidence, body, pinned);
    const id = randomUUID();
    const row = await this.deps.db.transaction(async (trx) => {
      const job = await insertJob(trx, { id, requestedBy: actor.userId, request: { query, pinned, since } });
      await this.deps.audit.record(
        trx,
        byCaller(actor, {
          action: 'compliance.export_requested',
          outcome: 'success',
          target: { type: 'compliance_export', id },
          details: {
            from: query.from,
            to: query.to,
            include: query.include,
            teams: query.teams,
            users: query.users,
            models: query.models,
            ops: query.ops,
            pinned,
            ...(Object.keys(since).length > 0
              ? { since: Object.fromEntries(Object.entries(since).map(([l, s]) => [l, s?.size ?? 0])) }
              : {}),
          },
        }),
      );
      return job;
    });
    this.deps.queued();
    return row;
  }

  async get(id: string): Promise<JobRow> {
    const row = await findJob(this.deps.db, id);
    if (row === undefined) throw new AppError('NOT_FOUND', 'No such export.');
    return row;
  }

  list(limit: number, after?: { createdAt: Date; id: string }): Promise<JobRow[]> {
    return listJobs(this.deps.db, limit, after);
  }

  /** Deletes an export and its bundle; a running job stops at its next lease renewal. */
  async delete(actor: ExportCaller, id: string): Promise<void> {
    const row = await this.deps.db.transaction(async (trx) => {
      const deleted = await markDeleted(trx, id);
      if (deleted === undefined) throw new AppError('NOT_FOUND', 'No such export.');
      await this.deps.audit.record(
        trx,
        byCaller(actor, {
          action: 'compliance.export_deleted',
          outcome: 'success',
          target: { type: 'compliance_export', id },
          details: { status: deleted.status },
        }),
      );
      return deleted;
    });
    if (row.file_name) await rm(join(this.deps.config.dir, row.file_name), { force: true });
  }
}
