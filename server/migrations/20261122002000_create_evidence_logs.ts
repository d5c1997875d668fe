import type { Knex } from 'knex';

/**
 * The transparency logs (EVIDENCE.md §2) and each one's integrated state: tree size and RFC 9162 root.
 * The row is also the sequencer's fence: every integration locks it (`for update`) and checks the size
 * it expects, so two sequencers can never extend the same tree twice. The origin is recorded on first
 * use and may never change afterwards.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('evidence_logs', (t) => {
    t.smallint('id').primary();
    t.string('name', 32).notNullable().unique();
    t.text('origin').nullable();
    t.bigInteger('size').notNullable().defaultTo(0);
    t.binary('root').notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  // RFC 9162 §2.1.1: the root of the empty tree is SHA-256 of the empty string.
  await knex.raw(`
    insert into evidence_logs (id, name, root) values
      (1, 'receipts', sha256(''::bytea)),
      (2, 'audit', sha256(''::bytea))
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('evidence_logs');
}
