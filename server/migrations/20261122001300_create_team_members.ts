import type { Knex } from 'knex';

/**
 * Team membership. `source` idp: follows the user's IdP groups at each sign-in; admin: set by an
 * administrator and never removed by group mapping.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('team_members', (t) => {
    t.uuid('team_id').notNullable().references('id').inTable('teams').onDelete('CASCADE');
    t.uuid('user_id').notNullable().references('id').inTable('users').onDelete('CASCADE');
    t.string('source', 8).notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['team_id', 'user_id']);
    t.index(['user_id']);
  });
  await knex.raw(
    "alter table team_members add constraint team_members_source_check check (source in ('idp', 'admin'))",
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('team_members');
}
