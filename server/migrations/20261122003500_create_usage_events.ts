import type { Knex } from 'knex';

/**
 * One row per AI call: who (user, team, API key), what (operation, model, replica), tokens, outcome
 * and timings. Written in batches; kept for gateway.usage.retentionDays, while usage_daily stays.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('usage_events', (t) => {
    t.uuid('id').primary();
    t.uuid('request_id').notNullable();
    t.timestamp('started_at', { useTz: true }).notNullable();
    t.uuid('user_id').notNullable();
    t.uuid('team_id').nullable();
    t.uuid('api_key_id').nullable();
    t.string('op', 32).notNullable();
    t.string('model', 256).notNullable();
    t.string('backend', 320).notNullable();
    t.integer('prompt_tokens').notNullable();
    t.integer('completion_tokens').notNullable();
    t.boolean('tokens_estimated').notNullable().defaultTo(false);
    t.string('status', 16).notNullable();
    t.integer('latency_ms').notNullable();
    t.integer('ttft_ms').nullable();
    t.index(['started_at']);
    t.index(['user_id', 'started_at']);
    t.index(['team_id', 'started_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('usage_events');
}
