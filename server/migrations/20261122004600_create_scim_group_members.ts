import type { Knex } from 'knex';

/** Members of SCIM groups (RFC 7643 §4.2 `members`); they go with the group or the user. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('scim_group_members', (t) => {
    t.uuid('group_id').notNullable().references('id').inTable('scim_groups').onDelete('CASCADE');
    t.uuid('user_id').notNullable().references('id').inTable('users').onDelete('CASCADE');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['group_id', 'user_id']);
    t.index(['user_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('scim_group_members');
}
