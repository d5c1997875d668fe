import type { Knex } from 'knex';

/**
 * Backends (a group name or one replica id) an admin drained: no new requests go there. Kept in the
 * database so every appliance replica agrees; deleting the row re-enables the backend.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('gateway_backend_drains', (t) => {
    t.string('target', 320).primary();
    t.text('reason').notNullable().defaultTo('');
    t.uuid('drained_by').nullable();
    t.timestamp('drained_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('gateway_backend_drains');
}
