import type { Knex } from 'knex';

/**
 * People who can sign in. E-mail is stored lower-cased and unique; `status` disabled stops every
 * session and API key of the user at once (checked on each request).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('users', (t) => {
    t.uuid('id').primary();
    t.string('email', 320).notNullable().unique();
    t.string('name', 256).notNullable().defaultTo('');
    t.string('status', 16).notNullable().defaultTo('active');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('last_login_at', { useTz: true }).nullable();
    t.timestamp('disabled_at', { useTz: true }).nullable();
  });
  await knex.raw(`
    alter table users
      add constraint users_status_check check (status in ('active', 'disabled')),
      add constraint users_email_lower_check check (email = lower(email))
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('users');
}
