import type { Knex } from 'knex';

/**
 * The SAML assertion replay cache: the ID of every accepted bearer assertion, kept until the
 * assertion could no longer be accepted anyway (its NotOnOrAfter plus the clock skew), as SAML 2.0
 * profiles §4.1.4.5 requires. A second use of the same ID is refused.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('saml_assertions', (t) => {
    t.string('connection', 64).notNullable();
    t.string('assertion_id', 256).notNullable();
    t.timestamp('used_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.primary(['connection', 'assertion_id']);
    t.index(['expires_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('saml_assertions');
}
