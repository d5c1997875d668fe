import type { Knex } from 'knex';

/**
 * One row per assistant operation (generate, analyze, chat): metadata only, never prompt or answer
 * text. It names the prompt template and version used, the receipt, and a summary of the result
 * (file and finding counts). Kept when its project, task or conversation is deleted.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('assistant_operations', (t) => {
    t.uuid('request_id').primary();
    t.uuid('user_id').notNullable();
    t.uuid('team_id').nullable();
    t.string('op', 16).notNullable();
    t.uuid('project_id').nullable().references('id').inTable('projects').onDelete('SET NULL');
    t.uuid('task_id').nullable().references('id').inTable('tasks').onDelete('SET NULL');
    t.uuid('conversation_id').nullable().references('id').inTable('conversations').onDelete('SET NULL');
    t.string('template_id', 64).notNullable();
    t.integer('template_version').notNullable();
    t.string('model', 256).notNullable();
    t.string('backend', 320).notNullable().defaultTo('');
    t.string('status', 16).notNullable();
    t.string('error_code', 64).nullable();
    t.integer('prompt_tokens').notNullable().defaultTo(0);
    t.integer('completion_tokens').notNullable().defaultTo(0);
    t.boolean('streamed').notNullable().defaultTo(false);
    t.boolean('content_retained').notNullable().defaultTo(false);
    t.string('receipt_id', 32).nullable();
    t.binary('input_hash').nullable();
    t.binary('output_hash').nullable();
    t.jsonb('summary').notNullable().defaultTo('{}');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('finished_at', { useTz: true }).nullable();
    t.index(['user_id', 'created_at', 'request_id']);
    t.index(['project_id', 'created_at']);
    t.index(['task_id', 'created_at']);
  });
  await knex.raw(
    "alter table assistant_operations add constraint assistant_operations_status_check check (status in ('ok', 'error', 'cancelled'))",
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('assistant_operations');
}
