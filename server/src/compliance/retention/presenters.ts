import type { LegalHoldRow, RetentionRunRow } from './repository.js';

/** Response shapes of the retention routes. */

const iso = (date: Date | null) => (date ? date.toISOString() : null);

export const presentHold = (row: LegalHoldRow) => ({
  id: row.id,
  scope: row.scope_type,
  scope_id: row.scope_id,
  reason: row.reason,
  reference: row.reference,
  created_by: row.created_by,
  created_at: iso(row.created_at),
  released_by: row.released_by,
  released_at: iso(row.released_at),
  active: row.released_at === null,
});

export const presentRun = (row: RetentionRunRow) => ({
  id: row.id,
  trigger: row.trigger,
  requested_by: row.requested_by,
  status: row.status,
  started_at: iso(row.started_at),
  finished_at: iso(row.finished_at),
  cutoffs: row.cutoffs,
  deleted: row.deleted,
  error: row.error,
});
