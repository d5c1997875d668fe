import type { Knex } from 'knex';

/**
 * Sign-in events by connection, for the SSO connections page (sign-ins in the last 24 hours, the last
 * success and the last failure of each connection) without scanning every `auth.login` event.
 * Built CONCURRENTLY so a large audit table keeps taking events (sign-ins) while it builds; that
 * cannot run inside a transaction.
 */
export const config = { transaction: false };

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`create index concurrently if not exists audit_events_sign_ins_idx
    on audit_events ((event #>> '{details,connection}'), outcome, ts)
    where action = 'auth.login'`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index concurrently if exists audit_events_sign_ins_idx');
}
