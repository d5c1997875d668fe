import type { Knex } from 'knex';

/**
 * Content keys for crypto-shredding: one random 256-bit key per user and per team, stored only
 * wrapped (AES-256-GCM) under the key-encryption key, which never enters the database. Destroying a
 * key erases `wrapped` for good; content sealed under it can never be decrypted again. A new key is
 * created for new content afterwards, so at most one live key exists per owner.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('content_keys', (t) => {
    t.uuid('id').primary();
    t.string('owner_type', 8).notNullable();
    t.uuid('owner_id').notNullable();
    t.binary('wrapped').nullable();
    t.string('kek_id', 32).nullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('destroyed_at', { useTz: true }).nullable();
    t.uuid('destroyed_by').nullable();
    t.index(['owner_type', 'owner_id']);
  });
  await knex.raw(
    `alter table content_keys add constraint content_keys_owner_type check (owner_type in ('user', 'team'))`,
  );
  await knex.raw(
    `alter table content_keys add constraint content_keys_destroyed check ((destroyed_at is null) = (wrapped is not null))`,
  );
  await knex.raw(
    'create unique index content_keys_live_owner on content_keys (owner_type, owner_id) where destroyed_at is null',
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('content_keys');
}
