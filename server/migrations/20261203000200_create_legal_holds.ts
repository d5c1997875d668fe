import type { Knex } from 'knex';

/**
 * Legal holds: while a hold on a user or a team is active (released_at is null), the retention job
 * deletes none of their content, usage events or sessions, and their content keys cannot be
 * destroyed. Released holds are kept as history.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('legal_holds', (t) => {
    t.uuid('id').primary();
    t.string('scope_type', 8).notNullable();
    t.uuid('scope_id').notNullable();
    t.string('reason', 1024).notNullable();
    t.string('reference', 256).notNullable().defaultTo('');
    t.uuid('created_by').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.uuid('released_by').nullable();
    t.timestamp('released_at', { useTz: true }).nullable();
    t.index(['scope_type', 'scope_id']);
  });
  await knex.raw(
    `alter table legal_holds add constraint legal_holds_scope_type check (scope_type in ('user', 'team'))`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('legal_holds');
}
