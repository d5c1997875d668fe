import type { Knex } from 'knex';

/**
 * Groups provisioned over SCIM (RFC 7643 §4.2). A group maps to roles through the connection's
 * `groupRoles` and to a team through `groupTeams`; a group mapped to neither is a team of its own,
 * `team_id`.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('scim_groups', (t) => {
    t.uuid('id').primary();
    t.string('connection', 64).notNullable();
    t.string('display_name', 256).notNullable();
    t.string('external_id', 255).nullable();
    t.uuid('team_id').nullable().references('id').inTable('teams').onDelete('SET NULL');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['connection', 'external_id']);
  });
  await knex.raw('create index scim_groups_display_name on scim_groups (connection, lower(display_name))');
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('scim_groups');
}
