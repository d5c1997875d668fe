/**
 * The retention job: once a day (or when an admin asks), deletes what is past its retention period
 * (retained content, including other modules' sealed content through their purge hooks; per-call
 * usage events; ended session records), except what belongs to a user or team under a legal hold.
 * Log entries (receipts, audit events) are never deleted. One replica runs it at a time (the
 * `running` row of retention_runs is the lease), and every run is an audit event.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { AuditService } from '../../audit/index.js';
import { purgeOperationContent, type RetentionSettings } from '../../content/index.js';
import type { Db } from '../../platform/db/knex.js';
import type { RetentionConfig } from './config-schema.js';
import {
  claimRun,
  finishRun,
  type Held,
  heartbeat,
  heldSubjects,
  lastDoneAt,
  purgeEndedSessions,
  purgeUsageEvents,
  type RetentionRunRow,
} from './repository.js';

/** Deletes one module's retained content older than `before`, at most `limit` rows per call. */
export interface PurgeHook {
  /** Name in the run's `deleted` counts, e.g. `assistant_messages`. */
  name: string;
  purge(db: Db, args: { before: Date; held: Held; limit: number }): Promise<number>;
}

export interface RetentionJobDeps {
  db: Db;
  log: Logger;
  audit: AuditService;
  config: RetentionConfig;
  /** The current retention settings (content module). */
  settings: () => Promise<RetentionSettings>;
  now?: () => number;
}

const DAY_MS = 86_400_000;

export class RetentionJob {
  readonly #hooks: PurgeHook[] = [];
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<unknown> | undefined;

  constructor(private readonly deps: RetentionJobDeps) {}

  /** Adds a module's content to what the job purges (with the content retention period). */
  register(hook: PurgeHook): void {
    // The name becomes a key of the audit event's details (EVIDENCE.md §4: lowercase and underscores).
    if (!/^[a-z_]+$/.test(hook.name)) throw new Error(`purge hook name ${hook.name} must match ^[a-z_]+$`);
    if (this.#hooks.some((h) => h.name === hook.name))
      throw new Error(`purge hook ${hook.name} registered twice`);
    this.#hooks.push(hook);
  }

  #now(): number {
    return (this.deps.now ?? Date.now)();
  }

  /** Checks every `checkIntervalMs` whether a day has passed since the last finished run. */
  start(): void {
    if (!this.deps.config.enabled) return;
    const tick = () => {
      this.#timer = setTimeout(async () => {
        try {
          await this.runIfDue();
        } catch (err) {
          this.deps.log.warn({ err }, 'retention schedule check failed');
        }
        if (this.#timer) tick();
      }, this.deps.config.checkIntervalMs).unref();
    };
    tick();
  }

  /** Stops the schedule and waits for a run of this replica to finish. */
  async stop(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#running?.catch(() => undefined);
  }

  /** Runs when the last finished run started more than `intervalHours` ago (or never ran). */
  async runIfDue(): Promise<RetentionRunRow | undefined> {
    const last = await lastDoneAt(this.deps.db);
    if (last && this.#now() - last.getTime() < this.deps.config.intervalHours * 3_600_000) return undefined;
    return this.run('schedule', null);
  }

  /**
   * Runs once now; undefined when another run (on any replica) holds the lease. Failures are
   * recorded on the run and in the audit trail, then rethrown.
   */
  async run(
    trigger: RetentionRunRow['trigger'],
    requestedBy: string | null,
  ): Promise<RetentionRunRow | undefined> {
    const { db, config } = this.deps;
    const claimed = await claimRun(
      db,
      { id: randomUUID(), trigger, requested_by: requestedBy },
      config.leaseTtlMs,
    );
    if (!claimed) return undefined;
    const work = this.#work(claimed);
    this.#running = work;
    return work;
  }

  async #work(run: RetentionRunRow): Promise<RetentionRunRow> {
    const { db, log } = this.deps;
    const beat = setInterval(
      () => {
        heartbeat(db, run.id).catch((err: unknown) => log.warn({ err }, 'retention heartbeat failed'));
      },
      Math.max(1000, Math.floor(this.deps.config.leaseTtlMs / 3)),
    ).unref();
    const cutoffs: Record<string, string> = {};
    const deleted: Record<string, number> = {};
    try {
      const settings = await this.deps.settings();
      const held = await heldSubjects(db);
      const before = (days: number) => new Date(this.#now() - days * DAY_MS);
      const purges: Array<[string, number, (b: Date) => Promise<number>]> = [
        [
          'operation_content',
          settings.content_days,
          (b) => this.#drain((l) => purgeOperationContent(db, b, held, l)),
        ],
        ...this.#hooks.map((h): [string, number, (b: Date) => Promise<number>] => [
          h.name,
          settings.content_days,
          (b) => this.#drain((limit) => h.purge(db, { before: b, held, limit })),
        ]),
        ['usage_events', settings.usage_days, (b) => this.#drain((l) => purgeUsageEvents(db, b, held, l))],
        ['sessions', settings.sessions_days, (b) => this.#drain((l) => purgeEndedSessions(db, b, held, l))],
      ];
      for (const [name, days, purge] of purges) {
        if (days === 0) continue; // 0 keeps the data
        const cutoff = before(days);
        cutoffs[name] = cutoff.toISOString();
        deleted[name] = await purge(cutoff);
      }
      const finished = await this.#finish(run, { status: 'done', cutoffs, deleted }, held);
      log.info({ run: run.id, deleted }, 'retention run finished');
      return finished;
    } catch (err) {
      log.error({ err, run: run.id }, 'retention run failed');
      await this.#finish(
        run,
        { status: 'failed', cutoffs, deleted, error: (err as Error).message },
        undefined,
      );
      throw err;
    } finally {
      clearInterval(beat);
    }
  }

  /** Repeats a bounded delete until it deletes less than a batch. */
  async #drain(step: (limit: number) => Promise<number>): Promise<number> {
    const limit = this.deps.config.batchSize;
    let total = 0;
    for (;;) {
      const n = await step(limit);
      total += n;
      if (n < limit) return total;
    }
  }

  /** Records the outcome and its audit event in one transaction. */
  async #finish(
    run: RetentionRunRow,
    outcome: Parameters<typeof finishRun>[2],
    held: Held | undefined,
  ): Promise<RetentionRunRow> {
    return this.deps.db.transaction(async (trx) => {
      const row = await finishRun(trx, run.id, outcome);
      await this.deps.audit.record(trx, {
        action: 'retention.purged',
        outcome: outcome.status === 'done' ? 'success' : 'failure',
        actor:
          run.requested_by === null
            ? { type: 'system', id: 'retention' }
            : { type: 'user', id: run.requested_by },
        target: { type: 'retention_run', id: run.id },
        details: {
          trigger: run.trigger,
          deleted: outcome.deleted,
          cutoffs: outcome.cutoffs,
          ...(held ? { held_users: held.users.length, held_teams: held.teams.length } : {}),
          ...(outcome.error ? { error: outcome.error.slice(0, 200) } : {}),
        },
      });
      return row;
    });
  }
}
