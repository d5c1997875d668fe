import type { Db } from '../platform/db/knex.js';
import type { AuditEvent } from './event.js';

/** Inserts one audit event row (the full event is kept verbatim in `event`). */
export async function insertAuditEvent(db: Db, event: AuditEvent): Promise<void> {
  await db('audit_events').insert({
    id: event.id,
    ts: new Date(event.ts),
    action: event.action,
    outcome: event.outcome,
    actor_type: event.actor.type,
    actor_id: event.actor.id,
    target_type: event.target?.type ?? null,
    target_id: event.target?.id ?? null,
    request_id: event.request_id ?? null,
    event: JSON.stringify(event),
  });
}
