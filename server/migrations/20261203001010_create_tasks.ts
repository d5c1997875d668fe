import type { Knex } from 'knex';

/** Tasks of a project (what to build or check); deleted with their project. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('tasks', (t) => {
    t.uuid('id').primary();
    t.uuid('project_id').notNullable().references('id').inTable('projects').onDelete('CASCADE');
    t.uuid('created_by').nullable().references('id').inTable('users').onDelete('SET NULL');
    t.string('title', 200).notNullable();
    t.text('description').notNullable().defaultTo('');
    t.string('status', 16).notNullable().defaultTo('open');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['project_id', 'created_at', 'id']);
  });
  await knex.raw(
    "alter table tasks add constraint tasks_status_check check (status in ('open', 'in_progress', 'done'))",
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('tasks');
}
