import type { Knex } from 'knex';

/**
 * Streams in flight, one row per stream and limited subject, for concurrent-stream limits across
 * replicas. The owning replica renews `expires_at`; rows of a replica that died expire on their own.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('gateway_stream_slots', (t) => {
    t.uuid('stream_id').notNullable();
    t.string('subject', 64).notNullable();
    t.uuid('replica_id').notNullable();
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.primary(['stream_id', 'subject']);
    t.index(['subject', 'expires_at']);
    t.index(['replica_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('gateway_stream_slots');
}
