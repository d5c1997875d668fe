import type { Knex } from 'knex';

/**
 * Retained content of AI operations (only while the retention setting is `full`): the request and
 * response bytes whose SHA-256 are the receipt's input_hash and output_hash, each sealed under the
 * owner's content keys. Keyed by the operation's request id (the receipt's ext.request_id).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('operation_content', (t) => {
    t.uuid('request_id').primary();
    t.uuid('user_id').notNullable();
    t.uuid('team_id').nullable();
    t.string('op', 32).notNullable();
    t.string('project', 256).nullable();
    t.string('task', 256).nullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.string('input_media_type', 128).notNullable();
    t.binary('input_sealed').notNullable();
    t.string('output_media_type', 128).notNullable();
    t.binary('output_sealed').notNullable();
    t.index(['created_at']);
    t.index(['user_id', 'created_at']);
    t.index(['team_id', 'created_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('operation_content');
}
