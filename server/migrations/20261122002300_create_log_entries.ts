import type { Knex } from 'knex';

/**
 * Integrated leaves: the 0-based, contiguous index of each leaf in its log (EVIDENCE.md §2). Only the
 * sequencer inserts here, with indices it assigns itself (never from a sequence). Append-only.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table log_entries (
      log smallint not null,
      idx bigint not null,
      leaf_id bigint not null unique,
      primary key (log, idx)
    )
  `);
  await knex.raw(`
    create function log_entries_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'log_entries is append-only' using errcode = '42501';
    end $$;
    create trigger log_entries_no_update before update or delete on log_entries
      for each row execute function log_entries_append_only();
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('log_entries');
  await knex.raw('drop function if exists log_entries_append_only()');
}
