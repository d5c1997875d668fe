import type { Knex } from 'knex';

/**
 * Ended sessions are kept as sign-in history (who signed in, when, from which client, how it ended)
 * instead of being deleted at once: `ended_at` and `end_reason` mark them, an ended session never
 * authenticates again, and the retention job deletes them after the sessions retention period
 * (except under legal hold).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('sessions', (t) => {
    t.timestamp('ended_at', { useTz: true }).nullable();
    t.string('end_reason', 16).nullable();
    t.index(['ended_at']);
  });
  await knex.raw(
    `alter table sessions add constraint sessions_end_reason check (end_reason in ('logout', 'revoked', 'expired', 'idp_logout'))`,
  );
  await knex.raw(
    `alter table sessions add constraint sessions_ended check ((ended_at is null) = (end_reason is null))`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex('sessions').whereNotNull('ended_at').delete();
  await knex.schema.alterTable('sessions', (t) => {
    t.dropIndex(['ended_at']);
    t.dropColumn('ended_at');
    t.dropColumn('end_reason');
  });
}
