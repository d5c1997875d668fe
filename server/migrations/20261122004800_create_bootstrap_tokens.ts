import type { Knex } from 'knex';

/**
 * One-time first-admin sign-in links issued by `aila admin bootstrap`: SHA-256 of the token only,
 * 15 minutes, single use (`used_at`).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('bootstrap_tokens', (t) => {
    t.uuid('id').primary();
    t.specificType('token_hash', 'char(64)').notNullable().unique();
    t.string('email', 320).nullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.timestamp('used_at', { useTz: true }).nullable();
    t.uuid('used_by').nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('bootstrap_tokens');
}
