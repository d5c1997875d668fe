/**
 * Integration of one log: takes a batch of queued leaves, gives them the next contiguous indices,
 * writes the entries and the changed tiles, and signs a checkpoint of the new tree, all in one
 * transaction (EVIDENCE.md §2, §2.1).
 *
 * Safety does not depend on the election: each transaction locks the log's `evidence_logs` row and
 * checks that the stored size and root are the ones this sequencer's tree extends. A sequencer whose
 * view is stale (another replica integrated meanwhile, or a transaction failed) reloads it from the
 * tiles first, so the log is one tree and consecutive checkpoints are always consistent.
 */
import { type Ed25519Signer, signCheckpoint } from '../core/index.js';
import type { LogDescriptor } from '../logs.js';
import { inTransaction, type SqlClient, toMs, toNumber } from '../store/sql.js';
import type { TileStore } from '../store/tile-store.js';
import { TreeBuilder } from '../store/tree-builder.js';

/** The current log signing key. */
export interface LogKey {
  kid: string;
  signer: Ed25519Signer;
}

/** A checkpoint as stored. */
export interface StoredCheckpoint {
  size: number;
  root: Buffer;
  note: string;
  kid: string;
}

/** What one integration did. */
export interface Integration {
  log: LogDescriptor;
  checkpoint: StoredCheckpoint;
  /** Leaves integrated by this transaction (0 when only re-signed). */
  added: number;
  /** When each integrated leaf was appended (Unix ms, database clock). */
  appendedAt: number[];
  /** When the transaction committed (Unix ms, this process's clock). */
  committedAt: number;
}

/** Thrown when the stored tree does not match what its tiles say: never sign on top of it. */
export class LogIntegrityError extends Error {
  override readonly name = 'LogIntegrityError';
}

interface QueuedRow {
  id: string;
  hash: Buffer;
  created_at: Date;
}

export class LogSequencer {
  #builder: TreeBuilder | undefined;
  #signedKid: string | undefined;

  constructor(
    readonly log: LogDescriptor,
    private readonly tiles: TileStore,
    private readonly key: () => LogKey,
    /** Most leaves integrated by one transaction. */
    readonly batchSize: number,
  ) {}

  /** Forgets the in-memory tree (after losing leadership or a failed transaction). */
  reset(): void {
    this.#builder = undefined;
    this.#signedKid = undefined;
  }

  /** True when the queue holds leaves of this log (a cheap check outside any transaction). */
  async hasQueued(client: SqlClient): Promise<boolean> {
    const { rows } = await client.query('select 1 from log_queue where log = $1 limit 1', [this.log.id]);
    return rows.length > 0;
  }

  /** True when the latest checkpoint is not signed by the current key (or there is none). */
  needsSignature(): boolean {
    return this.#signedKid !== this.key().kid;
  }

  /**
   * Integrates up to `batchSize` queued leaves and signs a checkpoint; with none queued, signs only
   * when the latest checkpoint is missing or was signed by a rotated key. Returns undefined when
   * nothing was done.
   */
  async integrate(client: SqlClient): Promise<Integration | undefined> {
    try {
      return await inTransaction(client, () => this.#integrate(client));
    } catch (err) {
      this.reset();
      throw err;
    }
  }

  async #integrate(client: SqlClient): Promise<Integration | undefined> {
    const id = this.log.id;
    const state = await client.query<{ size: string; root: Buffer }>(
      'select size, root from evidence_logs where id = $1 for update',
      [id],
    );
    const row = state.rows[0];
    if (row === undefined) throw new LogIntegrityError(`log ${this.log.name} is not in evidence_logs`);
    const size = toNumber(row.size);
    const builder = await this.#view(client, size);
    if (!builder.root().equals(row.root)) {
      throw new LogIntegrityError(
        `log ${this.log.name}: stored root does not match the tiles at size ${size}`,
      );
    }
    if (this.#signedKid === undefined) {
      const latest = await client.query<{ size: string; kid: string }>(
        'select size, kid from checkpoints where log = $1 order by id desc limit 1',
        [id],
      );
      const last = latest.rows[0];
      this.#signedKid = last !== undefined && toNumber(last.size) === size ? last.kid : '';
    }

    const queued = await client.query<QueuedRow>(
      // RFC 9162 §2.1.1: leaf hash = SHA-256(0x00 || data), computed where the data is.
      `select q.id, sha256('\\x00'::bytea || l.data) as hash, l.created_at
         from log_queue q join log_leaves l on l.id = q.id
        where q.log = $1
        order by q.id
        limit $2`,
      [id, this.batchSize],
    );
    const rows = queued.rows;
    if (rows.length === 0 && !this.needsSignature()) return undefined;

    const ids = rows.map((r) => r.id);
    for (const r of rows) builder.append(r.hash);
    if (rows.length > 0) {
      // EVIDENCE.md §2: indices are contiguous, assigned here and nowhere else.
      await client.query(
        `with e as (
           insert into log_entries (log, idx, leaf_id)
           select $1, $2::bigint + t.o - 1, t.id from unnest($3::bigint[]) with ordinality as t(id, o)
         )
         delete from log_queue where log = $1 and id = any($3::bigint[])`,
        [id, size, ids],
      );
      await this.#writeTiles(client, builder);
    }

    const key = this.key();
    const checkpoint: StoredCheckpoint = {
      size: builder.size,
      root: builder.root(),
      // EVIDENCE.md §2.1: key name = origin.
      note: await signCheckpoint(
        { origin: this.log.origin, size: builder.size, rootHash: builder.root() },
        key.signer,
      ),
      kid: key.kid,
    };
    await client.query(
      `with state as (update evidence_logs set size = $2, root = $3, updated_at = now() where id = $1)
       insert into checkpoints (log, size, root, note, kid) values ($1, $2, $3, $4, $5)`,
      [id, checkpoint.size, checkpoint.root, checkpoint.note, checkpoint.kid],
    );
    this.#signedKid = key.kid;
    return {
      log: this.log,
      checkpoint,
      added: rows.length,
      appendedAt: rows.map((r) => toMs(r.created_at)),
      committedAt: 0,
    };
  }

  /** The in-memory tree at `size`, reloaded from the tiles when stale. */
  async #view(client: SqlClient, size: number): Promise<TreeBuilder> {
    if (this.#builder !== undefined && this.#builder.size === size) return this.#builder;
    this.#signedKid = undefined;
    const reader = this.tiles.reader(this.log.id, client);
    this.#builder =
      size === 0
        ? TreeBuilder.empty()
        : await TreeBuilder.load(size, reader, (wanted) => this.tiles.fetch(client, this.log.id, wanted));
    return this.#builder;
  }

  async #writeTiles(client: SqlClient, builder: TreeBuilder): Promise<void> {
    const writes = builder.takeWrites();
    if (writes.length === 0) return;
    // A stored tile only ever grows: its existing hashes must be a prefix of the new content.
    const result = await client.query(
      `insert into log_tiles (log, level, idx, hashes)
       select $1, t.level, t.idx, t.hashes from unnest($2::smallint[], $3::bigint[], $4::bytea[]) as t(level, idx, hashes)
       on conflict (log, level, idx) do update set hashes = excluded.hashes
        where length(excluded.hashes) > length(log_tiles.hashes)
          and substring(excluded.hashes from 1 for length(log_tiles.hashes)) = log_tiles.hashes`,
      [this.log.id, writes.map((w) => w.level), writes.map((w) => w.index), writes.map((w) => w.hashes)],
    );
    if (result.rowCount !== writes.length) {
      throw new LogIntegrityError(
        `log ${this.log.name}: a stored tile disagrees with the tree being extended`,
      );
    }
  }
}
