/** The API view of an export job: no lease internals, the bundle only once it exists. */
import { bundleRoot } from '../bundle/format.js';
import type { JobRow } from './job-repository.js';

const iso = (d: Date | null) => (d === null ? null : d.toISOString());

export function presentJob(row: JobRow): Record<string, unknown> {
  const written = Number(row.entries_written);
  const total = row.entries_total === null ? null : Number(row.entries_total);
  return {
    id: row.id,
    status: row.status,
    requested_by: row.requested_by,
    created_at: iso(row.created_at),
    started_at: iso(row.started_at),
    completed_at: iso(row.completed_at),
    expires_at: iso(row.expires_at),
    query: row.request.query,
    pinned: row.request.pinned,
    since: Object.fromEntries(Object.entries(row.request.since).map(([log, s]) => [log, { size: s?.size }])),
    progress: {
      entries_written: written,
      entries_total: total,
      bytes: Number(row.bytes_written),
      percent:
        row.status === 'completed'
          ? 100
          : total === null || total === 0
            ? 0
            : Math.min(99, Math.floor((written * 100) / total)),
    },
    attempts: row.attempts,
    bundle:
      row.status === 'completed'
        ? {
            file_name: `${bundleRoot(row.id)}.tar.gz`,
            bytes: Number(row.file_bytes),
            sha256: row.file_sha256,
            counts: row.counts,
          }
        : null,
    error:
      row.error_code === null || row.status !== 'failed'
        ? null
        : { code: row.error_code, message: row.error_message },
    links: {
      self: `/api/v1/compliance/exports/${row.id}`,
      download: `/api/v1/compliance/exports/${row.id}/download`,
    },
  };
}
