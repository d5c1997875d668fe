/** Reads of the `checkpoints` table. */
import type { StoredCheckpoint } from '../sequencer/log-sequencer.js';
import { type SqlClient, toNumber } from './sql.js';

interface CheckpointRow {
  size: string;
  root: Buffer;
  note: string;
  kid: string;
}

const fromRow = (r: CheckpointRow): StoredCheckpoint => ({
  size: toNumber(r.size),
  root: r.root,
  note: r.note,
  kid: r.kid,
});

/** The latest checkpoint of a log. */
export async function latestCheckpoint(
  client: SqlClient,
  log: number,
): Promise<StoredCheckpoint | undefined> {
  const { rows } = await client.query<CheckpointRow>(
    'select size, root, note, kid from checkpoints where log = $1 order by id desc limit 1',
    [log],
  );
  return rows[0] === undefined ? undefined : fromRow(rows[0]);
}

/** The latest checkpoint of a log at exactly `size`. */
export async function checkpointAt(
  client: SqlClient,
  log: number,
  size: number,
): Promise<StoredCheckpoint | undefined> {
  const { rows } = await client.query<CheckpointRow>(
    'select size, root, note, kid from checkpoints where log = $1 and size = $2 order by id desc limit 1',
    [log, size],
  );
  return rows[0] === undefined ? undefined : fromRow(rows[0]);
}

/** Every checkpoint of a log in publication order (tests, audits). */
export async function allCheckpoints(client: SqlClient, log: number): Promise<StoredCheckpoint[]> {
  const { rows } = await client.query<CheckpointRow>(
    'select size, root, note, kid from checkpoints where log = $1 order by id',
    [log],
  );
  return rows.map(fromRow);
}
