/**
 * `GET /api/v1/compliance/exports/:id/download`: the bundle file, checked against the SHA-256
 * recorded at completion before any byte is served, with RFC 9110 range requests (206, 416,
 * Accept-Ranges, Content-Range, a strong ETag and If-Range) so large bundles resume. Every download
 * is an audit event, committed before the first byte.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Request, Response } from 'express';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { AuditService } from '../../audit/index.js';
import { AppError } from '../../platform/errors.js';
import { bundleRoot } from '../bundle/format.js';
import { byCaller, type ExportCaller } from './caller.js';
import type { JobRow } from './job-repository.js';
import { decideRange } from './range.js';

/** A file verified recently and unchanged since (size, mtime) is not hashed again for this long. */
const VERIFIED_TTL_MS = 10 * 60_000;

export class BundleFiles {
  readonly #verified = new Map<string, { at: number; size: number; mtimeMs: number }>();

  constructor(
    private readonly dir: string,
    private readonly log: Logger,
  ) {}

  /** The bundle's path and size once its bytes match the recorded SHA-256. */
  async verified(row: JobRow): Promise<{ path: string; size: number }> {
    const path = join(this.dir, row.file_name as string);
    const info = await stat(path).catch(() => undefined);
    if (info === undefined) throw new AppError('EXPORT_BUNDLE_UNAVAILABLE');
    const held = this.#verified.get(path);
    const now = Date.now();
    if (held && now - held.at < VERIFIED_TTL_MS && held.size === info.size && held.mtimeMs === info.mtimeMs) {
      return { path, size: info.size };
    }
    const hash = createHash('sha256');
    for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }))
      hash.update(chunk as Buffer);
    const sha256 = hash.digest('hex');
    if (sha256 !== row.file_sha256 || info.size !== Number(row.file_bytes)) {
      this.log.error(
        { exportId: row.id, path, expected: row.file_sha256, actual: sha256 },
        'compliance export bundle is corrupt',
      );
      this.#verified.delete(path);
      throw new AppError('EXPORT_BUNDLE_CORRUPT');
    }
    this.#verified.set(path, { at: now, size: info.size, mtimeMs: info.mtimeMs });
    return { path, size: info.size };
  }
}

function notReady(row: JobRow): AppError {
  if (row.status === 'expired') return new AppError('EXPORT_EXPIRED');
  if (row.status === 'failed')
    return new AppError('EXPORT_NOT_READY', 'The export failed; it has no bundle. Create it again.');
  return new AppError('EXPORT_NOT_READY', `The export is ${row.status}; download it once it is completed.`);
}

/** Serves the bundle of a completed job. */
export async function sendBundle(
  deps: { db: Knex; audit: AuditService; files: BundleFiles },
  row: JobRow,
  caller: ExportCaller,
  req: Request,
  res: Response,
): Promise<void> {
  if (row.status !== 'completed' || row.file_name === null) throw notReady(row);
  const { path, size } = await deps.files.verified(row);
  const etag = `"${row.file_sha256}"`;
  const lastModified = row.completed_at ?? row.created_at;
  const decision = decideRange(req.get('range'), req.get('if-range'), size, etag, lastModified);
  res.setHeader('accept-ranges', 'bytes');
  res.setHeader('etag', etag);
  res.setHeader('last-modified', lastModified.toUTCString());
  res.setHeader('cache-control', 'private, no-store');
  if (decision.kind === 'unsatisfiable') {
    throw new AppError('RANGE_NOT_SATISFIABLE', undefined, undefined, { 'content-range': `bytes */${size}` });
  }
  const range = decision.kind === 'partial' ? decision : { start: 0, end: size - 1 };
  await deps.db.transaction((trx) =>
    deps.audit.record(
      trx,
      byCaller(caller, {
        action: 'compliance.export_downloaded',
        outcome: 'success',
        target: { type: 'compliance_export', id: row.id },
        details: {
          digest: `sha256:${row.file_sha256 as string}`,
          bytes: size,
          ...(decision.kind === 'partial' ? { range: `${range.start}-${range.end}` } : {}),
        },
      }),
    ),
  );
  res.status(decision.kind === 'partial' ? 206 : 200);
  res.setHeader('content-type', 'application/gzip');
  res.setHeader('content-disposition', `attachment; filename="${bundleRoot(row.id)}.tar.gz"`);
  res.setHeader('content-length', String(size === 0 ? 0 : range.end - range.start + 1));
  if (decision.kind === 'partial')
    res.setHeader('content-range', `bytes ${range.start}-${range.end}/${size}`);
  if (req.method === 'HEAD' || size === 0) {
    res.end();
    return;
  }
  await pipeline(createReadStream(path, { start: range.start, end: range.end, highWaterMark: 1 << 20 }), res);
}
