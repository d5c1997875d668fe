/**
 * Inclusion and consistency proofs (RFC 9162 §2.1.3, §2.1.4) against signed checkpoints, computed from
 * the stored tiles: one query (often none, thanks to the tile cache) per proof.
 */
import type { Knex } from 'knex';
import { AppError } from '../platform/errors.js';
import { consistencyProofSubtrees, consistencyProofWith } from './core/index.js';
import type { LogDescriptor } from './logs.js';
import { InclusionPaths, type SubtreeSource } from './proof-path.js';
import type { StoredCheckpoint } from './sequencer/log-sequencer.js';
import { checkpointAt, latestCheckpoint } from './store/checkpoint-repository.js';
import { withConnection } from './store/sql.js';
import type { TileStore } from './store/tile-store.js';

/** An inclusion proof with the checkpoint it leads to. */
export interface InclusionProof {
  index: number;
  size: number;
  /** RFC 9162 PATH order, leaf's sibling first. */
  hashes: Buffer[];
  checkpoint: StoredCheckpoint;
}

/** A consistency proof from `old` to the checkpoint's size. */
export interface ConsistencyProof {
  old: number;
  size: number;
  hashes: Buffer[];
  checkpoint: StoredCheckpoint;
}

/** A cached latest checkpoint: the read in flight or done, and its value once it has resolved. */
interface HeldCheckpoint {
  at: number;
  checkpoint: Promise<StoredCheckpoint | undefined>;
  value?: StoredCheckpoint | undefined;
}

export class ProofService {
  readonly #latest = new Map<number, HeldCheckpoint>();
  readonly #paths = new InclusionPaths();
  readonly #sources = new Map<number, SubtreeSource>();

  constructor(
    private readonly db: Knex,
    private readonly tiles: TileStore,
    /** How long a replica serves a cached latest checkpoint before asking the database again. */
    private readonly cacheMs: number,
  ) {}

  /** The latest checkpoint of a log (cached for `cacheMs`). */
  latest(log: LogDescriptor, fresh = false): Promise<StoredCheckpoint | undefined> {
    const now = Date.now();
    const held = this.#latest.get(log.id);
    if (!fresh && held !== undefined && now - held.at <= this.cacheMs) return held.checkpoint;
    const checkpoint = withConnection(this.db, (c) => latestCheckpoint(c, log.id));
    checkpoint.catch(() => this.#latest.delete(log.id));
    this.#hold(log, { at: now, checkpoint });
    return checkpoint;
  }

  /** Records a checkpoint this process just committed, so it is served at once. */
  published(log: LogDescriptor, checkpoint: StoredCheckpoint): void {
    const held = this.#latest.get(log.id);
    const at = Date.now();
    if (held === undefined) {
      this.#hold(log, { at, checkpoint: Promise.resolve(checkpoint), value: checkpoint });
      return;
    }
    // Never go backwards if a newer checkpoint was already read from the database.
    const next = held.checkpoint.then((c) => (c !== undefined && c.size > checkpoint.size ? c : checkpoint));
    next.catch(() => undefined);
    this.#hold(log, { at, checkpoint: next });
  }

  /** Caches `entry` as the latest checkpoint of `log`; its value is kept once it has resolved. */
  #hold(log: LogDescriptor, entry: HeldCheckpoint): void {
    this.#latest.set(log.id, entry);
    if ('value' in entry) return;
    entry.checkpoint.then(
      (value) => {
        entry.value = value;
      },
      () => undefined,
    );
  }

  /** The cached latest checkpoint when it is known and fresh (no I/O), else undefined. */
  #latestNow(log: LogDescriptor): StoredCheckpoint | undefined {
    const held = this.#latest.get(log.id);
    return held !== undefined && Date.now() - held.at <= this.cacheMs ? held.value : undefined;
  }

  /**
   * The checkpoint of `size` (the latest when `size` is undefined).
   * @throws AppError NOT_FOUND when no checkpoint of that size was published.
   */
  async checkpoint(log: LogDescriptor, size?: number): Promise<StoredCheckpoint> {
    let found = await this.latest(log);
    if (size !== undefined && found?.size !== size) {
      found = await withConnection(this.db, (c) => checkpointAt(c, log.id, size));
    }
    if (found === undefined) {
      throw new AppError(
        'NOT_FOUND',
        size === undefined ? `The ${log.name} log has no checkpoint yet.` : `No checkpoint of size ${size}.`,
      );
    }
    return found;
  }

  /**
   * RFC 9162 §2.1.3.1 PATH(index, D[size]) against the checkpoint of `size` (default: latest). When the
   * checkpoint and every hash are in memory the proof is returned at once, without a promise.
   * @throws AppError NOT_FOUND when the entry is not in that tree or there is no such checkpoint.
   */
  inclusion(log: LogDescriptor, index: number, size?: number): InclusionProof | Promise<InclusionProof> {
    const latest = this.#latestNow(log);
    if (latest !== undefined && (size === undefined || size === latest.size) && index < latest.size) {
      return this.#prove(log, index, latest);
    }
    return this.#inclusion(log, index, size);
  }

  async #inclusion(log: LogDescriptor, index: number, size?: number): Promise<InclusionProof> {
    let checkpoint = await this.checkpoint(log, size);
    if (size === undefined && index >= checkpoint.size) checkpoint = await this.#fresh(log);
    if (index >= checkpoint.size) {
      throw new AppError(
        'NOT_FOUND',
        `Entry ${index} is not in the ${log.name} tree of size ${checkpoint.size}.`,
      );
    }
    return this.#prove(log, index, checkpoint);
  }

  #prove(
    log: LogDescriptor,
    index: number,
    checkpoint: StoredCheckpoint,
  ): InclusionProof | Promise<InclusionProof> {
    const size = checkpoint.size;
    const hashes = this.#paths.prove(log.id, index, size, this.#source(log.id));
    return Array.isArray(hashes)
      ? { index, size, hashes, checkpoint }
      : hashes.then((h) => ({ index, size, hashes: h, checkpoint }));
  }

  /**
   * RFC 9162 §2.1.4.1 PROOF(old, D[size]) to the checkpoint of `size` (default: latest); empty for
   * old = 0 and old = size (EVIDENCE.md §2.2).
   * @throws AppError NOT_FOUND / VALIDATION_FAILED.
   */
  async consistency(log: LogDescriptor, old: number, size?: number): Promise<ConsistencyProof> {
    const checkpoint = await this.checkpoint(log, size);
    if (old > checkpoint.size) {
      throw new AppError(
        'VALIDATION_FAILED',
        `Old size ${old} is larger than the ${log.name} tree size ${checkpoint.size}.`,
      );
    }
    const lookup = await this.tiles.lookup(log.id, consistencyProofSubtrees(old, checkpoint.size));
    const hashes = consistencyProofWith(old, checkpoint.size, lookup);
    return { old, size: checkpoint.size, hashes, checkpoint };
  }

  /** The tile store as the subtree source of one log's proofs. */
  #source(log: number): SubtreeSource {
    let source = this.#sources.get(log);
    if (source === undefined) {
      const tiles = this.tiles;
      source = {
        cached: (level, index) => tiles.cachedSubtree(log, level, index),
        load: (ids) => tiles.lookup(log, ids),
      };
      this.#sources.set(log, source);
    }
    return source;
  }

  async #fresh(log: LogDescriptor): Promise<StoredCheckpoint> {
    const found = await this.latest(log, true);
    if (found === undefined) throw new AppError('NOT_FOUND', `The ${log.name} log has no checkpoint yet.`);
    return found;
  }
}
