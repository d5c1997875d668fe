import type { Knex } from 'knex';

/** Which `audit` log leaf each audit event is (EVIDENCE.md §4), written in the event's transaction. */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table audit_event_leaves (
      event_id uuid primary key,
      leaf_id bigint not null unique
    )
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('audit_event_leaves');
}
