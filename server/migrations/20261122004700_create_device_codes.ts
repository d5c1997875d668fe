import type { Knex } from 'knex';

/**
 * Device logins in progress (OAuth 2.0 Device Authorization Grant, RFC 8628): the device code is
 * kept as SHA-256 only; the user code is what a person types, unique among live requests. Rows are
 * kept a while after expiry so a late poll still gets `expired_token` (RFC 8628 §3.5).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('device_codes', (t) => {
    t.uuid('id').primary();
    t.specificType('device_code_hash', 'char(64)').notNullable().unique();
    t.string('user_code', 8).notNullable();
    t.string('client_id', 64).notNullable();
    t.specificType('scopes', 'text[]').notNullable();
    t.string('status', 10).notNullable().defaultTo('pending');
    t.uuid('user_id').nullable().references('id').inTable('users').onDelete('CASCADE');
    t.integer('interval_seconds').notNullable();
    t.timestamp('last_polled_at', { useTz: true }).nullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.timestamp('decided_at', { useTz: true }).nullable();
    t.uuid('api_key_id').nullable();
    t.index(['expires_at']);
  });
  await knex.raw(`
    alter table device_codes add constraint device_codes_status_check
      check (status in ('pending', 'approved', 'denied', 'consumed'));
    create unique index device_codes_live_user_code on device_codes (user_code)
      where status in ('pending', 'approved');
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('device_codes');
}
