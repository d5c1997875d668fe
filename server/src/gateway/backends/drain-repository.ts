import type { Db } from '../../platform/db/knex.js';

/** A drained backend group or replica. */
export interface DrainRow {
  target: string;
  reason: string;
  drained_by: string | null;
  drained_at: Date;
}

/** Every drained target. */
export async function listDrains(db: Db): Promise<DrainRow[]> {
  return (await db('gateway_backend_drains').select('*')) as DrainRow[];
}

/** Drains `target` (idempotent: draining again keeps the first record). */
export async function insertDrain(
  db: Db,
  target: string,
  reason: string,
  drainedBy: string | null,
): Promise<void> {
  await db('gateway_backend_drains')
    .insert({ target, reason, drained_by: drainedBy })
    .onConflict('target')
    .ignore();
}

/** Re-enables `target`; true when it was drained. */
export async function deleteDrain(db: Db, target: string): Promise<boolean> {
  return (await db('gateway_backend_drains').where({ target }).delete()) > 0;
}
