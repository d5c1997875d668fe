import type { Knex } from 'knex';

/**
 * Users provisioned over SCIM (RFC 7643 §4.1): the attributes the IdP manages beyond the user row
 * (e-mail, display name and status live in `users`). `user_name` is unique per connection, compared
 * case-insensitively (RFC 7643 §4.1.1: caseExact false).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('scim_users', (t) => {
    t.uuid('user_id').primary().references('id').inTable('users').onDelete('CASCADE');
    t.string('connection', 64).notNullable();
    t.string('user_name', 320).notNullable();
    t.string('external_id', 255).nullable();
    t.string('given_name', 256).notNullable().defaultTo('');
    t.string('family_name', 256).notNullable().defaultTo('');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['connection', 'external_id']);
  });
  await knex.raw(
    'create unique index scim_users_user_name_unique on scim_users (connection, lower(user_name))',
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('scim_users');
}
