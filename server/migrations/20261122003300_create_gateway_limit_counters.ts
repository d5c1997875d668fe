import type { Knex } from 'knex';

/**
 * Fixed-window counters shared by all appliance replicas: requests per minute and tokens per
 * minute, day and month of one subject (`user:<id>`, `team:<id>`, `api_key:<id>`). Replicas reserve
 * capacity in batches (`used` counts reservations), `last_grant` returns what one statement granted.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('gateway_limit_counters', (t) => {
    t.string('subject', 64).notNullable();
    t.string('metric', 32).notNullable();
    t.timestamp('window_start', { useTz: true }).notNullable();
    t.bigInteger('used').notNullable().defaultTo(0);
    t.bigInteger('last_grant').notNullable().defaultTo(0);
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.primary(['subject', 'metric', 'window_start']);
    t.index(['expires_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('gateway_limit_counters');
}
