import type { Knex } from 'knex';

/**
 * Leaves appended but not yet integrated: inserted with the leaf, deleted by the sequencer in the
 * transaction that assigns their indices. Small rows, so draining the queue is cheap.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table log_queue (
      log smallint not null,
      id bigint not null,
      primary key (log, id)
    )
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('log_queue');
}
