import type { Knex } from 'knex';

/**
 * SAML requests the appliance sent and expects an answer to: AuthnRequests (login) and LogoutRequests
 * (logout). A Response is accepted only with the InResponseTo of a pending row of its connection
 * (SAML 2.0 profiles §4.1.4.3), which is then deleted, so every request is answered at most once.
 * `binding_hash` ties a login to the browser that started it (against login CSRF).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('saml_requests', (t) => {
    t.string('id', 128).primary();
    t.string('connection', 64).notNullable();
    t.string('kind', 8).notNullable();
    t.specificType('binding_hash', 'char(64)').nullable();
    t.string('return_to', 2048).notNullable().defaultTo('/');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.index(['expires_at']);
  });
  await knex.raw(
    "alter table saml_requests add constraint saml_requests_kind_check check (kind in ('login', 'logout'))",
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('saml_requests');
}
