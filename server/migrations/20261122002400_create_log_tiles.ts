import type { Knex } from 'knex';

/**
 * The Merkle tree of each log as c2sp.org/tlog-tiles hash tiles: tile `idx` of `level` holds the
 * hashes of tree level 8 * level for leaves [idx * 256^(level+1), ...), 32 bytes each, at most 256. The
 * rightmost tile of a level is partial and is rewritten as it grows; a full tile never changes.
 * Any proof reads at most ceil(log2(size) / 8) + 1 rows.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table log_tiles (
      log smallint not null,
      level smallint not null,
      idx bigint not null,
      hashes bytea not null,
      primary key (log, level, idx)
    )
  `);
  // Hashes do not compress: store them out of line without trying.
  await knex.raw('alter table log_tiles alter column hashes set storage external');
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('log_tiles');
}
