import type { Knex } from 'knex';

/**
 * Daily usage rollup per UTC day, user, team and model, updated in the same transaction as each
 * batch of usage_events. `team_id` is the nil UUID (RFC 9562 §5.9) for calls without a team, so it
 * can be part of the primary key.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('usage_daily', (t) => {
    t.date('day').notNullable();
    t.uuid('user_id').notNullable();
    t.uuid('team_id').notNullable();
    t.string('model', 256).notNullable();
    t.integer('requests').notNullable().defaultTo(0);
    t.integer('errors').notNullable().defaultTo(0);
    t.integer('cancelled').notNullable().defaultTo(0);
    t.bigInteger('prompt_tokens').notNullable().defaultTo(0);
    t.bigInteger('completion_tokens').notNullable().defaultTo(0);
    t.bigInteger('latency_ms_sum').notNullable().defaultTo(0);
    t.bigInteger('ttft_ms_sum').notNullable().defaultTo(0);
    t.integer('ttft_count').notNullable().defaultTo(0);
    t.primary(['day', 'user_id', 'team_id', 'model']);
    t.index(['team_id', 'day']);
    t.index(['model', 'day']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('usage_daily');
}
