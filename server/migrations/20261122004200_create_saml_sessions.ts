import type { Knex } from 'knex';

/**
 * The SAML side of a session opened by a SAML sign-in: the NameID and SessionIndex the IdP asserted,
 * needed to send it a LogoutRequest and to find the sessions its own LogoutRequest names (SAML 2.0
 * core §3.7.1). Goes with the session.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('saml_sessions', (t) => {
    t.uuid('session_id').primary().references('id').inTable('sessions').onDelete('CASCADE');
    t.string('connection', 64).notNullable();
    t.string('name_id', 512).notNullable();
    t.string('name_id_format', 256).nullable();
    t.string('session_index', 256).nullable();
    t.index(['connection', 'name_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('saml_sessions');
}
