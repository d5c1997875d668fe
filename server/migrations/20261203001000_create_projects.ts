import type { Knex } from 'knex';

/**
 * Assistant projects: owned by a user, optionally shared with a team (its members see the project and
 * its tasks). Name and description are what the user saves, in either content retention mode.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('projects', (t) => {
    t.uuid('id').primary();
    t.uuid('user_id').notNullable().references('id').inTable('users').onDelete('CASCADE');
    t.uuid('team_id').nullable().references('id').inTable('teams').onDelete('SET NULL');
    t.string('name', 200).notNullable();
    t.text('description').notNullable().defaultTo('');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    // Keyset pages: newest first, ties broken by id.
    t.index(['user_id', 'created_at', 'id']);
    t.index(['team_id', 'created_at', 'id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('projects');
}
