import type { Knex } from 'knex';

/**
 * Fixed-window attempt counters for authentication endpoints that must be rate limited across
 * replicas (break-glass sign-in, device code lookups). Keys carry no personal data in clear.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('auth_rate_limits', (t) => {
    t.string('key', 128).primary();
    t.timestamp('window_start', { useTz: true }).notNullable();
    t.integer('count').notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('auth_rate_limits');
}
