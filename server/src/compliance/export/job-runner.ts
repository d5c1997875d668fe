/**
 * Runs export jobs on this replica: claims them with a lease (job-repository.ts), renews the lease
 * with the progress while the bundle is built, and finishes, retries or fails them. A job whose
 * lease is lost (replica crashed, job deleted) is abandoned here and restarted by whoever claims it.
 * Also sweeps the exports directory: expired bundles, and leftovers of interrupted jobs.
 */

import { randomUUID } from 'node:crypto';
import { readdir, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { Counter } from 'prom-client';
import type { AuditService } from '../../audit/index.js';
import { withConnection } from '../../evidence/index.js';
import { AppError } from '../../platform/errors.js';
import type { ExportsConfig } from '../config-schema.js';
import { type BuildContext, buildBundle, bundleFileName } from './bundle-builder.js';
import { countEntries } from './entry-repository.js';
import {
  claimJob,
  completeJob,
  expireJobs,
  failExhausted,
  failJob,
  type JobRow,
  liveJobFiles,
  releaseJob,
  renewLease,
} from './job-repository.js';

export interface RunnerDeps {
  db: Knex;
  log: Logger;
  config: ExportsConfig;
  build: BuildContext;
  audit: AuditService;
  jobsTotal?: Counter<'status'>;
}

/** Thrown into a running build when its lease is gone. */
class LeaseLost extends Error {}

const SWEEP_MS = 10 * 60_000;

export class ExportRunner {
  /** Identifies this process in `lease_owner`. */
  readonly owner = `${hostname()}/${process.pid}/${randomUUID().slice(0, 8)}`;
  readonly #deps: RunnerDeps;
  readonly #running = new Map<string, Promise<void>>();
  #timer: NodeJS.Timeout | undefined;
  #sweepTimer: NodeJS.Timeout | undefined;
  #stopped = true;
  #polling = false;
  /** Progress state of each running job; `lost` stops its build at the next page. */
  readonly #states = new Set<{ lost: boolean }>();

  constructor(deps: RunnerDeps) {
    this.#deps = deps;
  }

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    if (this.#deps.config.workers > 0) {
      this.#timer = setInterval(() => this.poll(), this.#deps.config.pollMs);
      this.#timer.unref();
      this.poll();
    }
    this.#sweepTimer = setInterval(() => void this.sweep().catch(this.#warn('sweep')), SWEEP_MS);
    this.#sweepTimer.unref();
    void this.sweep().catch(this.#warn('sweep'));
  }

  /** Stops claiming; running jobs are abandoned (another replica restarts them once their lease runs out). */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#timer);
    clearInterval(this.#sweepTimer);
    for (const state of this.#states) state.lost = true;
    await Promise.allSettled(this.#running.values());
  }

  /** Looks for work now (a job was just created). */
  poll(): void {
    if (this.#stopped || this.#polling) return;
    this.#polling = true;
    void this.#claim()
      .catch(this.#warn('claim'))
      .finally(() => {
        this.#polling = false;
      });
  }

  /** Ids of the jobs this replica is running. */
  get running(): string[] {
    return [...this.#running.keys()];
  }

  async #claim(): Promise<void> {
    const { db, config } = this.#deps;
    await failExhausted(db, config.maxAttempts);
    while (!this.#stopped && this.#running.size < config.workers) {
      const job = await claimJob(db, this.owner, config.leaseMs);
      if (job === undefined) return;
      const run = this.#run(job).finally(() => this.#running.delete(job.id));
      this.#running.set(job.id, run);
    }
  }

  #warn(what: string) {
    return (err: unknown) => this.#deps.log.warn({ err }, `compliance export ${what} failed`);
  }

  async #run(job: JobRow): Promise<void> {
    const { db, config, log, build } = this.#deps;
    const state = {
      written: 0,
      bytes: 0,
      total: undefined as number | undefined,
      lost: false,
      contentRead: 0,
    };
    this.#states.add(state);
    const fileName = bundleFileName(job.id, job.attempts);
    const renew = async () => {
      const held = await renewLease(db, job.id, this.owner, config.leaseMs, {
        written: state.written,
        bytes: state.bytes,
        ...(state.total === undefined ? {} : { total: state.total }),
      });
      if (!held || this.#stopped) state.lost = true;
    };
    const heartbeat = setInterval(
      () => void renew().catch(this.#warn('lease renewal')),
      Math.floor(config.leaseMs / 3),
    );
    heartbeat.unref();
    log.info({ exportId: job.id, attempt: job.attempts }, 'compliance export started');
    const started = performance.now();
    try {
      state.total = await this.#total(job);
      await renew();
      const result = await buildBundle(
        build,
        {
          id: job.id,
          attempt: job.attempts,
          requestedBy: job.requested_by,
          createdAt: job.created_at,
          request: job.request,
        },
        {
          progress: async (written, bytes) => {
            state.written = written;
            if (bytes > 0) state.bytes = bytes;
            if (state.lost) throw new LeaseLost('the lease on this export was lost');
          },
          contentRead: (n) => {
            state.contentRead += n;
          },
        },
      );
      const completed = await db.transaction(async (trx) => {
        const ok = await completeJob(trx, job.id, this.owner, {
          fileName,
          sha256: result.digest.sha256,
          bytes: result.digest.bytes,
          counts: result.counts as Record<string, number>,
          written: state.written,
          retentionDays: config.retentionDays,
        });
        // Retained content reached a bundle through the exporter's break-glass access (CONTENT-API.md).
        if (ok && state.contentRead > 0) {
          await this.#deps.audit.record(trx, {
            action: 'content.read',
            outcome: 'success',
            actor: { type: 'user', id: job.requested_by },
            target: { type: 'compliance_export', id: job.id },
            details: { operations: state.contentRead, reason: 'compliance_export' },
          });
        }
        return ok;
      });
      if (!completed) throw new LeaseLost('the export was deleted or taken over');
      this.#deps.jobsTotal?.inc({ status: 'completed' });
      log.info(
        {
          exportId: job.id,
          entries: state.written,
          bytes: result.digest.bytes,
          ms: Math.round(performance.now() - started),
        },
        'compliance export completed',
      );
    } catch (err) {
      await rm(join(config.dir, fileName), { force: true });
      if (err instanceof LeaseLost || state.lost) {
        // Shutting down: hand the job back at once instead of letting its lease run out.
        if (this.#stopped) await releaseJob(db, job.id, this.owner);
        log.warn({ exportId: job.id, stopping: this.#stopped }, 'compliance export abandoned');
        return;
      }
      const permanent = err instanceof AppError;
      const retry = !permanent && job.attempts < config.maxAttempts;
      const error = permanent
        ? { code: err.code, message: err.message }
        : { code: 'EXPORT_FAILED', message: 'The export failed; see the appliance logs for the cause.' };
      await failJob(db, job.id, this.owner, error, retry);
      if (!retry) this.#deps.jobsTotal?.inc({ status: 'failed' });
      log.error({ err, exportId: job.id, retry }, 'compliance export failed');
    } finally {
      clearInterval(heartbeat);
      this.#states.delete(state);
    }
  }

  async #total(job: JobRow): Promise<number> {
    const q = job.request.query;
    const filter = {
      from: Date.parse(q.from),
      to: Date.parse(q.to),
      teams: q.teams,
      users: q.users,
      models: q.models,
      ops: q.ops,
    };
    let total = 0;
    for (const log of ['receipts', 'audit'] as const) {
      const size = job.request.pinned[log];
      if (size === undefined) continue;
      total += await withConnection(this.#deps.db, (c) => countEntries(c, log, size, filter));
    }
    return total;
  }

  /**
   * Expires bundles past their retention (deleting their files) and removes what interrupted jobs
   * left: work directories and partial files of jobs not running, bundles of jobs no longer live.
   */
  async sweep(): Promise<{ expired: number; removed: number }> {
    const { db, config } = this.#deps;
    const expired = await expireJobs(db);
    for (const job of expired) if (job.file_name) await rm(join(config.dir, job.file_name), { force: true });
    if (expired.length > 0) this.#deps.log.info({ expired: expired.length }, 'compliance exports expired');
    const names = await readdir(config.dir).catch(() => [] as string[]);
    const { running, files } = await liveJobFiles(db);
    let removed = 0;
    for (const name of names) {
      const id = /([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/.exec(name)?.[1];
      if (id === undefined || files.has(name) || running.has(id)) continue;
      await rm(join(config.dir, name), { recursive: true, force: true });
      removed++;
    }
    return { expired: expired.length, removed };
  }
}
