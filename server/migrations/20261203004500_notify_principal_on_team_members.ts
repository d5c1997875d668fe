import type { Knex } from 'knex';

/**
 * A cached principal carries the user's team memberships (the team an AI call is charged to), so a
 * membership change sends NOTIFY `aila_principal` like role and key changes do.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create trigger team_members_notify_principal
      after insert or update or delete on team_members
      for each row execute function aila_notify_principal('user_id');
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop trigger team_members_notify_principal on team_members');
}
