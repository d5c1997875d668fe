/** SQL of `export_jobs`: create, read, list, claim with a lease, renew, finish, expire. */
import type { Db } from '../../platform/db/knex.js';
import type { ExportRequest } from './request.js';

export type JobStatus = 'queued' | 'running' | 'completed' | 'failed' | 'expired' | 'deleted';

export interface JobRow {
  id: string;
  status: JobStatus;
  requested_by: string;
  request: ExportRequest;
  entries_written: string;
  entries_total: string | null;
  bytes_written: string;
  attempts: number;
  lease_owner: string | null;
  lease_expires_at: Date | null;
  file_name: string | null;
  file_sha256: string | null;
  file_bytes: string | null;
  counts: Record<string, number> | null;
  error_code: string | null;
  error_message: string | null;
  created_at: Date;
  started_at: Date | null;
  completed_at: Date | null;
  expires_at: Date | null;
}

const TABLE = 'export_jobs';

export async function insertJob(
  db: Db,
  job: { id: string; requestedBy: string; request: ExportRequest },
): Promise<JobRow> {
  const [row] = (await db(TABLE)
    .insert({ id: job.id, requested_by: job.requestedBy, request: JSON.stringify(job.request) })
    .returning('*')) as JobRow[];
  return row as JobRow;
}

export async function findJob(db: Db, id: string): Promise<JobRow | undefined> {
  return (await db(TABLE).where({ id }).whereNot({ status: 'deleted' }).first()) as JobRow | undefined;
}

/** A page of jobs, newest first; `after` is the (created_at, id) of the previous page's last job. */
export async function listJobs(
  db: Db,
  limit: number,
  after?: { createdAt: Date; id: string },
): Promise<JobRow[]> {
  const query = db(TABLE)
    .whereNot({ status: 'deleted' })
    .orderBy([
      { column: 'created_at', order: 'desc' },
      { column: 'id', order: 'desc' },
    ])
    .limit(limit);
  if (after !== undefined) void query.whereRaw('(created_at, id) < (?, ?)', [after.createdAt, after.id]);
  return (await query) as JobRow[];
}

/**
 * Claims the oldest queued job, or a running one whose lease expired (its replica crashed), and
 * starts it afresh; `skip locked` makes concurrent claims pick different jobs.
 */
export async function claimJob(db: Db, owner: string, leaseMs: number): Promise<JobRow | undefined> {
  const { rows } = (await db.raw(
    `update export_jobs set status = 'running', lease_owner = ?, attempts = attempts + 1,
            lease_expires_at = now() + ? * interval '1 millisecond',
            started_at = now(), entries_written = 0, bytes_written = 0
      where id = (
        select id from export_jobs
         where status = 'queued' or (status = 'running' and lease_expires_at < now())
         order by created_at limit 1
         for update skip locked)
      returning *`,
    [owner, leaseMs],
  )) as { rows: JobRow[] };
  return rows[0];
}

/**
 * Renews the lease and records progress; false when the job is no longer this owner's (lease lost,
 * job deleted), in which case the owner must stop.
 */
export async function renewLease(
  db: Db,
  id: string,
  owner: string,
  leaseMs: number,
  progress: { written: number; total?: number; bytes: number },
): Promise<boolean> {
  const n = await db(TABLE)
    .where({ id, lease_owner: owner, status: 'running' })
    .update({
      lease_expires_at: db.raw("now() + ? * interval '1 millisecond'", [leaseMs]),
      entries_written: progress.written,
      bytes_written: progress.bytes,
      ...(progress.total === undefined ? {} : { entries_total: progress.total }),
    });
  return n === 1;
}

export async function completeJob(
  db: Db,
  id: string,
  owner: string,
  result: {
    fileName: string;
    sha256: string;
    bytes: number;
    counts: Record<string, number>;
    written: number;
    retentionDays: number;
  },
): Promise<boolean> {
  const n = await db(TABLE)
    .where({ id, lease_owner: owner, status: 'running' })
    .update({
      status: 'completed',
      file_name: result.fileName,
      file_sha256: result.sha256,
      file_bytes: result.bytes,
      bytes_written: result.bytes,
      entries_written: result.written,
      counts: JSON.stringify(result.counts),
      completed_at: db.fn.now(),
      expires_at: db.raw("now() + ? * interval '1 day'", [result.retentionDays]),
      lease_owner: null,
      lease_expires_at: null,
    });
  return n === 1;
}

/** Marks a job failed (no more attempts) or queues it again for another attempt. */
export async function failJob(
  db: Db,
  id: string,
  owner: string,
  error: { code: string; message: string },
  retry: boolean,
): Promise<void> {
  await db(TABLE)
    .where({ id, lease_owner: owner, status: 'running' })
    .update({
      status: retry ? 'queued' : 'failed',
      error_code: error.code,
      error_message: error.message,
      lease_owner: null,
      lease_expires_at: null,
      ...(retry ? {} : { completed_at: db.fn.now() }),
    });
}

/** Jobs that used up their attempts while leased by a crashed replica. */
export async function failExhausted(db: Db, maxAttempts: number): Promise<number> {
  return db(TABLE)
    .where({ status: 'running' })
    .where('lease_expires_at', '<', db.fn.now())
    .where('attempts', '>=', maxAttempts)
    .update({
      status: 'failed',
      error_code: 'EXPORT_ABANDONED',
      error_message: `The export was interrupted ${maxAttempts} times (replica crashes or restarts).`,
      lease_owner: null,
      lease_expires_at: null,
      completed_at: db.fn.now(),
    });
}

/** Marks a job deleted; returns the row as it was, or undefined. */
export async function markDeleted(db: Db, id: string): Promise<JobRow | undefined> {
  const [row] = (await db(TABLE)
    .where({ id })
    .whereNot({ status: 'deleted' })
    .update({ status: 'deleted', lease_owner: null, lease_expires_at: null })
    .returning('*')) as JobRow[];
  return row;
}

/** Completed jobs past their retention date, now expired; returns their file names. */
export async function expireJobs(db: Db): Promise<Array<{ id: string; file_name: string | null }>> {
  return (await db(TABLE)
    .where({ status: 'completed' })
    .where('expires_at', '<', db.fn.now())
    .update({ status: 'expired' })
    .returning(['id', 'file_name'])) as Array<{ id: string; file_name: string | null }>;
}

/**
 * What may exist in the exports directory: the bundle of each completed job, and anything of a job
 * running somewhere (its work directory, its partial file). Everything else is a leftover.
 */
export async function liveJobFiles(db: Db): Promise<{ running: Set<string>; files: Set<string> }> {
  const rows = (await db(TABLE)
    .whereIn('status', ['running', 'completed'])
    .select('id', 'status', 'file_name')) as Array<{
    id: string;
    status: JobStatus;
    file_name: string | null;
  }>;
  return {
    running: new Set(rows.filter((r) => r.status === 'running').map((r) => r.id)),
    files: new Set(rows.flatMap((r) => (r.status === 'completed' && r.file_name ? [r.file_name] : []))),
  };
}

/** Hands a job back to the queue (this replica is shutting down); the attempt does not count. */
export async function releaseJob(db: Db, id: string, owner: string): Promise<void> {
  await db(TABLE)
    .where({ id, lease_owner: owner, status: 'running' })
    .update({
      status: 'queued',
      lease_owner: null,
      lease_expires_at: null,
      attempts: db.raw('greatest(attempts - 1, 0)'),
    });
}
