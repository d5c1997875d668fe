import type { Knex } from 'knex';

/**
 * Assistant conversations: private to their user, optionally under a project and a task (deleted
 * with them). `team_id` is the team the user acted for, the second owner of sealed messages.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('conversations', (t) => {
    t.uuid('id').primary();
    t.uuid('user_id').notNullable().references('id').inTable('users').onDelete('CASCADE');
    t.uuid('team_id').nullable();
    t.uuid('project_id').nullable().references('id').inTable('projects').onDelete('CASCADE');
    t.uuid('task_id').nullable().references('id').inTable('tasks').onDelete('CASCADE');
    t.string('title', 200).nullable();
    t.integer('message_count').notNullable().defaultTo(0);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['user_id', 'updated_at', 'id']);
    t.index(['project_id']);
    t.index(['task_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('conversations');
}
