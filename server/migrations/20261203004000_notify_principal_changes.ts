import type { Knex } from 'knex';

/**
 * Every change to what an API key grants (the key itself, its owner's status or role bindings)
 * sends NOTIFY `aila_principal` with the owner's user id, so every replica drops its cached copy
 * when the change commits. Bookkeeping updates (`last_used_at`, `last_login_at`) notify nothing.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create function aila_notify_principal() returns trigger language plpgsql as $$
    begin
      -- tg_argv[0]: the column holding the user id.
      perform pg_notify('aila_principal',
        to_jsonb(case when tg_op = 'DELETE' then old else new end) ->> tg_argv[0]);
      return null;
    end $$;
    create trigger api_keys_notify_principal
      after update of revoked_at, expires_at, scopes, user_id or delete on api_keys
      for each row execute function aila_notify_principal('user_id');
    create trigger users_notify_principal
      after update of status, email, name or delete on users
      for each row execute function aila_notify_principal('id');
    create trigger role_bindings_notify_principal
      after insert or update or delete on role_bindings
      for each row execute function aila_notify_principal('user_id');
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    drop trigger role_bindings_notify_principal on role_bindings;
    drop trigger users_notify_principal on users;
    drop trigger api_keys_notify_principal on api_keys;
    drop function aila_notify_principal();
  `);
}
