import type { Knex } from 'knex';

/**
 * Messages of a conversation. Metadata always (role, SHA-256 and length of the text, the operation
 * that produced it); the text itself only sealed (content module), and only while content retention
 * is `full`: `content_sealed` is null otherwise, and the retention job nulls it when it expires.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('conversation_messages', (t) => {
    t.uuid('id').primary();
    t.uuid('conversation_id').notNullable().references('id').inTable('conversations').onDelete('CASCADE');
    t.integer('seq').notNullable();
    t.string('role', 16).notNullable();
    t.binary('content_sha256').notNullable();
    t.integer('content_chars').notNullable();
    t.binary('content_sealed').nullable();
    t.uuid('request_id').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['conversation_id', 'seq']);
    // The retention job's scan: sealed messages by age.
    t.index(['created_at'], 'conversation_messages_sealed_created_at', {
      predicate: knex.whereNotNull('content_sealed'),
    });
  });
  await knex.raw(
    "alter table conversation_messages add constraint conversation_messages_role_check check (role in ('user', 'assistant'))",
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('conversation_messages');
}
