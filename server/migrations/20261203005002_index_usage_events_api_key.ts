import type { Knex } from 'knex';

/**
 * Usage events by API key and time, for the current consumption of quota plans assigned to API keys
 * (the daily rollup has no API key). Built CONCURRENTLY so usage keeps being written meanwhile; that
 * cannot run inside a transaction.
 */
export const config = { transaction: false };

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`create index concurrently if not exists usage_events_api_key_started_at_idx
    on usage_events (api_key_id, started_at) where api_key_id is not null`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index concurrently if exists usage_events_api_key_started_at_idx');
}
