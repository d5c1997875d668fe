import type { Knex } from 'knex';

/**
 * Role bindings (ARCHITECTURE.md "Roles"). team_admin is bound to one team, the other roles to none.
 * `source` idp: derived from IdP groups and re-computed at each sign-in; admin: pinned by an
 * administrator and never overwritten by group mapping.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('role_bindings', (t) => {
    t.uuid('id').primary();
    t.uuid('user_id').notNullable().references('id').inTable('users').onDelete('CASCADE');
    t.string('role', 16).notNullable();
    t.uuid('team_id').nullable().references('id').inTable('teams').onDelete('CASCADE');
    t.string('source', 8).notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.uuid('created_by').nullable();
    t.index(['user_id']);
    t.index(['team_id']);
  });
  await knex.raw(`
    alter table role_bindings
      add constraint role_bindings_role_check
        check (role in ('admin', 'auditor', 'team_admin', 'developer')),
      add constraint role_bindings_source_check check (source in ('idp', 'admin')),
      add constraint role_bindings_team_scope_check check ((role = 'team_admin') = (team_id is not null));
    create unique index role_bindings_unique
      on role_bindings (user_id, role, coalesce(team_id, '00000000-0000-0000-0000-000000000000'::uuid));
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('role_bindings');
}
