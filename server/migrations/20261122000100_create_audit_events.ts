import type { Knex } from 'knex';

/**
 * Audit events (EVIDENCE.md §4). Append-only: the application never updates or deletes rows, and a
 * trigger refuses it so a compromised application account cannot quietly rewrite history.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('audit_events', (t) => {
    t.uuid('id').primary();
    t.bigIncrements('seq', { primaryKey: false });
    t.timestamp('ts', { useTz: true }).notNullable();
    t.string('action', 64).notNullable();
    t.string('outcome', 16).notNullable();
    t.string('actor_type', 16).notNullable();
    t.string('actor_id', 64).notNullable();
    t.string('target_type', 32).nullable();
    t.string('target_id', 64).nullable();
    t.uuid('request_id').nullable();
    t.jsonb('event').notNullable();
    t.index(['ts']);
    t.index(['action', 'ts']);
    t.index(['actor_id', 'ts']);
    t.index(['target_type', 'target_id']);
  });
  await knex.raw(`
    create function audit_events_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'audit_events is append-only' using errcode = '42501';
    end $$;
    create trigger audit_events_no_update before update or delete on audit_events
      for each row execute function audit_events_append_only();
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('audit_events');
  await knex.raw('drop function if exists audit_events_append_only()');
}
