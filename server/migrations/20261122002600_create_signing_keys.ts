import type { Knex } from 'knex';

/**
 * Public halves of every Ed25519 signing key ever used (EVIDENCE.md §5), with their validity window:
 * purpose `receipts` (the JWKS) or `log:<name>` (checkpoints of that log). Private keys are never
 * stored here. A rotated key keeps its row forever with `exp` set.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table signing_keys (
      purpose varchar(64) not null check (purpose ~ '^(receipts|log:[a-z]+)$'),
      kid varchar(64) not null,
      algorithm varchar(16) not null default 'Ed25519',
      public_key bytea not null check (length(public_key) = 32),
      nbf timestamptz not null,
      exp timestamptz,
      created_at timestamptz not null default now(),
      primary key (purpose, kid)
    )
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('signing_keys');
}
