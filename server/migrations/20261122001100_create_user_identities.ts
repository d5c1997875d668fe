import type { Knex } from 'knex';

/**
 * External identities: the IdP subject (`sub`, OIDC Core 1.0 §2, unique per issuer) a user signs in
 * with, per SSO connection. A user may have one per connection.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('user_identities', (t) => {
    t.string('connection', 64).notNullable();
    t.string('subject', 255).notNullable();
    t.uuid('user_id').notNullable().references('id').inTable('users').onDelete('CASCADE');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('last_login_at', { useTz: true }).nullable();
    t.primary(['connection', 'subject']);
    t.index(['user_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('user_identities');
}
