import type { Knex } from 'knex';

/**
 * Every signed checkpoint (c2sp.org/tlog-checkpoint) of each log, as published. A size may appear more
 * than once only with the same root (re-signed after a log key rotation). Append-only.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table checkpoints (
      id bigint generated always as identity primary key,
      log smallint not null,
      size bigint not null,
      root bytea not null,
      note text not null,
      kid varchar(64) not null,
      created_at timestamptz not null default now()
    )
  `);
  await knex.raw('create index checkpoints_log_size on checkpoints (log, size)');
  await knex.raw(`
    create function checkpoints_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'checkpoints is append-only' using errcode = '42501';
    end $$;
    create trigger checkpoints_no_update before update or delete on checkpoints
      for each row execute function checkpoints_append_only();
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('checkpoints');
  await knex.raw('drop function if exists checkpoints_append_only()');
}
