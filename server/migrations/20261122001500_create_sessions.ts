import type { Knex } from 'knex';

/**
 * Browser sessions. Only the SHA-256 of the random cookie token is stored, so a database reader
 * cannot impersonate anyone. `expires_at` is the absolute timeout; the idle timeout is measured
 * from `last_seen_at`.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('sessions', (t) => {
    t.uuid('id').primary();
    t.uuid('user_id').notNullable().references('id').inTable('users').onDelete('CASCADE');
    t.specificType('token_hash', 'char(64)').notNullable().unique();
    t.string('connection', 64).nullable();
    t.string('user_agent', 512).notNullable().defaultTo('');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('last_seen_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.index(['user_id']);
    t.index(['expires_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('sessions');
}
