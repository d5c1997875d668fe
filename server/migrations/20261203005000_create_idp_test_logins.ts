import type { Knex } from 'knex';

/**
 * Test sign-ins an admin runs against an SSO connection: the real OIDC or SAML flow, with its own
 * state (never a `login_states` or `saml_requests` row, so a test can never open a session), and
 * then the claims the IdP sent and what they would map to. `state_hash` is the SHA-256 of the OIDC
 * `state` or of the SAML AuthnRequest ID, used once; `binding_hash` ties the test to the browser
 * that started it. Rows are deleted an hour after they were started.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('idp_test_logins', (t) => {
    t.uuid('id').primary();
    t.string('connection', 64).notNullable();
    t.string('protocol', 8).notNullable();
    t.uuid('started_by').notNullable().references('users.id').onDelete('CASCADE');
    t.specificType('state_hash', 'char(64)').notNullable().unique();
    t.specificType('binding_hash', 'char(64)').notNullable();
    t.string('nonce', 128).nullable();
    t.string('code_verifier', 128).nullable();
    t.string('status', 16).notNullable().defaultTo('pending');
    t.jsonb('result').nullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.timestamp('completed_at', { useTz: true }).nullable();
    t.index(['created_at']);
  });
  await knex.raw(`alter table idp_test_logins
    add constraint idp_test_logins_protocol_check check (protocol in ('oidc', 'saml')),
    add constraint idp_test_logins_status_check check (status in ('pending', 'redeemed', 'succeeded', 'failed'))`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('idp_test_logins');
}
