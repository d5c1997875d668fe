import type { Knex } from 'knex';

/**
 * Compliance export jobs (EVIDENCE.md §3). A replica claims a queued job, or one whose lease
 * expired, with `for update skip locked`, and renews `lease_expires_at` while it works, so a crashed
 * replica's job is taken over and restarted, and two replicas never run the same job. Progress is
 * persisted with each renewal. A finished bundle's SHA-256 is recorded and checked before serving.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table export_jobs (
      id uuid primary key,
      status varchar(16) not null default 'queued'
        check (status in ('queued', 'running', 'completed', 'failed', 'expired', 'deleted')),
      requested_by uuid not null,
      request jsonb not null,
      entries_written bigint not null default 0,
      entries_total bigint,
      bytes_written bigint not null default 0,
      attempts integer not null default 0,
      lease_owner varchar(128),
      lease_expires_at timestamptz,
      file_name text,
      file_sha256 char(64),
      file_bytes bigint,
      counts jsonb,
      error_code varchar(64),
      error_message text,
      created_at timestamptz not null default now(),
      started_at timestamptz,
      completed_at timestamptz,
      expires_at timestamptz
    )
  `);
  await knex.raw(
    `create index export_jobs_claimable on export_jobs (created_at) where status in ('queued', 'running')`,
  );
  await knex.raw('create index export_jobs_list on export_jobs (created_at desc, id desc)');
  await knex.raw(`create index export_jobs_expiry on export_jobs (expires_at) where status = 'completed'`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('export_jobs');
}
