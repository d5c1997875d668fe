import type { Knex } from 'knex';

/**
 * Quota plans admins assign to users, teams and API keys: rate limits, token budgets, concurrent
 * streams and the models allowed. A NULL limit is unlimited; NULL allowed_models allows every model.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('quota_plans', (t) => {
    t.uuid('id').primary();
    t.string('name', 128).notNullable().unique();
    t.text('description').notNullable().defaultTo('');
    t.integer('requests_per_minute').nullable();
    t.bigInteger('tokens_per_minute').nullable();
    t.bigInteger('tokens_per_day').nullable();
    t.bigInteger('tokens_per_month').nullable();
    t.integer('max_concurrent_streams').nullable();
    t.specificType('allowed_models', 'text[]').nullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.uuid('updated_by').nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('quota_plans');
}
