import type { Knex } from 'knex';

/**
 * Every leaf ever appended to a log, written once, in the transaction of the caller (a receipt's group
 * commit, an audit event's change). The id is only a handle (a Postgres sequence, gaps allowed); the
 * leaf's index in the log is assigned later by the sequencer (log_entries). Append-only.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('create sequence log_leaf_ids as bigint');
  await knex.raw(`
    create table log_leaves (
      id bigint primary key default nextval('log_leaf_ids'),
      log smallint not null,
      data bytea not null,
      created_at timestamptz not null default now()
    )
  `);
  await knex.raw('alter sequence log_leaf_ids owned by log_leaves.id');
  await knex.raw(`
    create function log_leaves_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'log_leaves is append-only' using errcode = '42501';
    end $$;
    create trigger log_leaves_no_update before update or delete on log_leaves
      for each row execute function log_leaves_append_only();
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('log_leaves');
  await knex.raw('drop function if exists log_leaves_append_only()');
}
