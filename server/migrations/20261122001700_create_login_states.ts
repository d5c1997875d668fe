import type { Knex } from 'knex';

/**
 * Sign-ins in progress: OIDC `state`, `nonce` and PKCE `code_verifier` (RFC 7636 §4.1) kept on the
 * server until the callback consumes them once. `binding_hash` ties the sign-in to the browser that
 * started it (a cookie), against login CSRF (RFC 6749 §10.12).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('login_states', (t) => {
    t.uuid('id').primary();
    t.specificType('state_hash', 'char(64)').notNullable().unique();
    t.specificType('binding_hash', 'char(64)').notNullable();
    t.string('connection', 64).notNullable();
    t.string('nonce', 128).notNullable();
    t.string('code_verifier', 128).notNullable();
    t.string('return_to', 2048).notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.index(['expires_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('login_states');
}
