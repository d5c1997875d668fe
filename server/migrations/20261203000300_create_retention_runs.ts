import type { Knex } from 'knex';

/**
 * One row per run of the retention job: when it ran, the cut-off dates it applied and how many rows
 * of each kind it deleted. At most one run is `running` (unique index): that row is the job's lease
 * across replicas, kept alive by `heartbeat_at`; a run whose heartbeat stops is marked abandoned.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('retention_runs', (t) => {
    t.uuid('id').primary();
    t.string('trigger', 16).notNullable();
    t.uuid('requested_by').nullable();
    t.timestamp('started_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('heartbeat_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('finished_at', { useTz: true }).nullable();
    t.string('status', 16).notNullable().defaultTo('running');
    t.jsonb('cutoffs').notNullable().defaultTo('{}');
    t.jsonb('deleted').notNullable().defaultTo('{}');
    t.string('error', 1024).nullable();
    t.index(['started_at']);
  });
  await knex.raw(
    `alter table retention_runs add constraint retention_runs_status check (status in ('running', 'done', 'failed', 'abandoned'))`,
  );
  await knex.raw(
    `create unique index retention_runs_one_running on retention_runs ((true)) where status = 'running'`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('retention_runs');
}
