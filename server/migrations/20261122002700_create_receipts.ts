import type { Knex } from 'knex';

/**
 * Searchable metadata of each receipt (the signed receipt itself is its log leaf): who, which model,
 * which operation, when. `id` is the receipt's leaf id. Written in the receipt's group commit.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table receipts (
      id bigint primary key,
      ts timestamptz not null,
      subject uuid not null,
      team uuid,
      model text not null,
      op varchar(32) not null,
      status varchar(16) not null,
      request_id uuid not null
    )
  `);
  await knex.raw('create index receipts_ts on receipts (ts)');
  await knex.raw('create index receipts_subject_ts on receipts (subject, ts)');
  await knex.raw('create index receipts_team_ts on receipts (team, ts) where team is not null');
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('receipts');
}
