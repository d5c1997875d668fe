import type { Knex } from 'knex';

/**
 * Bearer tokens of SCIM provisioning clients (the IdP), one or more per SSO connection. Shown once;
 * only the SHA-256 is kept. Revoked tokens stay for the audit trail.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('scim_tokens', (t) => {
    t.uuid('id').primary();
    t.string('name', 128).notNullable();
    t.string('connection', 64).notNullable();
    t.string('prefix', 16).notNullable();
    t.specificType('token_hash', 'char(64)').notNullable().unique();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.uuid('created_by').nullable();
    t.timestamp('expires_at', { useTz: true }).nullable();
    t.timestamp('last_used_at', { useTz: true }).nullable();
    t.timestamp('revoked_at', { useTz: true }).nullable();
    t.uuid('revoked_by').nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('scim_tokens');
}
