import type { Knex } from 'knex';

/**
 * Which quota plan applies to a user, a team or an API key (at most one each). The subject is not a
 * foreign key because it points into one of three tables; an assignment to a deleted subject is inert.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('quota_assignments', (t) => {
    t.string('subject_type', 16).notNullable();
    t.uuid('subject_id').notNullable();
    t.uuid('plan_id').notNullable().references('id').inTable('quota_plans').onDelete('RESTRICT');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.uuid('created_by').nullable();
    t.primary(['subject_type', 'subject_id']);
    t.index(['plan_id']);
  });
  await knex.raw(
    "alter table quota_assignments add constraint quota_assignments_subject_type_check check (subject_type in ('user', 'team', 'api_key'))",
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('quota_assignments');
}
