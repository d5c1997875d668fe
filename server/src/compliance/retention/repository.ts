/** SQL of legal holds, retention runs and the purges the retention job performs. */
import type { Db } from '../../platform/db/knex.js';

export type HoldScope = 'user' | 'team';

export interface LegalHoldRow {
  id: string;
  scope_type: HoldScope;
  scope_id: string;
  reason: string;
  reference: string;
  created_by: string;
  created_at: Date;
  released_by: string | null;
  released_at: Date | null;
}

/** Users and teams whose data no retention purge may touch. */
export interface Held {
  users: string[];
  teams: string[];
}

export async function insertHold(
  db: Db,
  row: Omit<LegalHoldRow, 'created_at' | 'released_by' | 'released_at'>,
) {
  const [created] = (await db('legal_holds').insert(row).returning('*')) as LegalHoldRow[];
  return created as LegalHoldRow;
}

export async function listHolds(db: Db, activeOnly: boolean): Promise<LegalHoldRow[]> {
  return db('legal_holds')
    .modify((q) => {
      if (activeOnly) q.whereNull('released_at');
    })
    .orderBy('created_at', 'desc')
    .select('*') as Promise<LegalHoldRow[]>;
}

/** Releases an active hold; undefined when there is no such active hold. */
export async function releaseHold(db: Db, id: string, by: string): Promise<LegalHoldRow | undefined> {
  const [row] = (await db('legal_holds')
    .where({ id })
    .whereNull('released_at')
    .update({ released_at: db.fn.now(), released_by: by })
    .returning('*')) as LegalHoldRow[];
  return row;
}

export async function findHold(db: Db, id: string): Promise<LegalHoldRow | undefined> {
  return db('legal_holds').where({ id }).first('*') as Promise<LegalHoldRow | undefined>;
}

export async function heldSubjects(db: Db): Promise<Held> {
  const rows = (await db('legal_holds')
    .whereNull('released_at')
    .distinct('scope_type', 'scope_id')) as Array<{
    scope_type: HoldScope;
    scope_id: string;
  }>;
  return {
    users: rows.filter((r) => r.scope_type === 'user').map((r) => r.scope_id),
    teams: rows.filter((r) => r.scope_type === 'team').map((r) => r.scope_id),
  };
}

/** Whether a user or team exists (a hold must name a real one). */
export async function subjectExists(db: Db, scope: HoldScope, id: string): Promise<boolean> {
  const row = await db(scope === 'user' ? 'users' : 'teams')
    .where({ id })
    .first('id');
  return row !== undefined;
}

export interface RetentionRunRow {
  id: string;
  trigger: 'schedule' | 'manual';
  requested_by: string | null;
  started_at: Date;
  heartbeat_at: Date;
  finished_at: Date | null;
  status: 'running' | 'done' | 'failed' | 'abandoned';
  cutoffs: Record<string, string>;
  deleted: Record<string, number>;
  error: string | null;
}

/**
 * Starts a run unless one is running (the unique index on running runs is the lease). A running run
 * whose heartbeat is older than `staleMs` is marked abandoned first. Returns undefined when another
 * run holds the lease.
 */
export async function claimRun(
  db: Db,
  run: { id: string; trigger: RetentionRunRow['trigger']; requested_by: string | null },
  staleMs: number,
): Promise<RetentionRunRow | undefined> {
  await db('retention_runs')
    .where({ status: 'running' })
    .where('heartbeat_at', '<', db.raw(`now() - make_interval(secs => ?)`, [staleMs / 1000]))
    .update({ status: 'abandoned', finished_at: db.fn.now(), error: 'the replica running it stopped' });
  const result = await db.raw(
    `insert into retention_runs (id, trigger, requested_by) values (?, ?, ?)
       on conflict ((true)) where status = 'running' do nothing returning *`,
    [run.id, run.trigger, run.requested_by],
  );
  return (result as { rows: RetentionRunRow[] }).rows[0];
}

export async function heartbeat(db: Db, id: string): Promise<void> {
  await db('retention_runs').where({ id, status: 'running' }).update({ heartbeat_at: db.fn.now() });
}

export async function finishRun(
  db: Db,
  id: string,
  outcome: {
    status: 'done' | 'failed';
    cutoffs: Record<string, string>;
    deleted: Record<string, number>;
    error?: string;
  },
): Promise<RetentionRunRow> {
  const [row] = (await db('retention_runs')
    .where({ id })
    .update({
      status: outcome.status,
      finished_at: db.fn.now(),
      cutoffs: JSON.stringify(outcome.cutoffs),
      deleted: JSON.stringify(outcome.deleted),
      error: outcome.error?.slice(0, 1024) ?? null,
    })
    .returning('*')) as RetentionRunRow[];
  return row as RetentionRunRow;
}

export async function listRuns(db: Db, limit: number): Promise<RetentionRunRow[]> {
  return db('retention_runs').orderBy('started_at', 'desc').limit(limit).select('*') as Promise<
    RetentionRunRow[]
  >;
}

/** Start of the last run that finished its work. */
export async function lastDoneAt(db: Db): Promise<Date | undefined> {
  const row = (await db('retention_runs').where({ status: 'done' }).max('started_at as at').first()) as
    | { at: Date | null }
    | undefined;
  return row?.at ?? undefined;
}

/** Deletes per-call usage events older than `before` (daily rollups stay), held subjects excepted. */
export async function purgeUsageEvents(db: Db, before: Date, held: Held, limit: number): Promise<number> {
  const result = await db.raw(
    `delete from usage_events where id in (
       select id from usage_events
        where started_at < ?
          and not (user_id = any(?::uuid[]))
          and (team_id is null or not (team_id = any(?::uuid[])))
        limit ?)`,
    [before, held.users, held.teams, limit],
  );
  return (result as { rowCount: number }).rowCount;
}

/** Deletes session records that ended before `before`, except those of held users and members of held teams. */
export async function purgeEndedSessions(db: Db, before: Date, held: Held, limit: number): Promise<number> {
  const result = await db.raw(
    `delete from sessions where id in (
       select id from sessions
        where ended_at < ? and not (user_id = any(?::uuid[]))
          and not exists (select 1 from team_members m
                           where m.user_id = sessions.user_id and m.team_id = any(?::uuid[]))
        limit ?)`,
    [before, held.users, held.teams, limit],
  );
  return (result as { rowCount: number }).rowCount;
}
