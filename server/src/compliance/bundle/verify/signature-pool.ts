/**
 * Receipt checks on worker threads, one per core (signature-worker.ts): an Ed25519 verification
 * costs about a hundred microseconds, so a bundle of a million receipts verifies in parallel.
 * Batches keep messages few; a bounded number in flight keeps memory flat.
 */
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import type { PinnedKey } from '../../../evidence/core/index.js';
import { startWorker } from '../../../platform/worker.js';
import type { BundleQuery } from '../format.js';

export interface SignatureBatch {
  id: number;
  /** Leaf texts (receipt JSON). */
  items: string[];
}

/** null: the receipt is valid and matches; else what is wrong with it. */
export type SignatureResult = null | { errors: string[] };

const BATCH = 500;

interface Pending {
  lines: string[];
  resolve: (results: SignatureResult[]) => void;
  reject: (err: Error) => void;
}

export class SignaturePool {
  readonly #workers: Worker[];
  readonly #pending = new Map<number, Pending>();
  readonly #inFlight: Array<Promise<void>> = [];
  #next = 0;
  #batch: { items: string[]; lines: string[] } = { items: [], lines: [] };
  readonly #onResult: (where: string, result: NonNullable<SignatureResult>) => void;
  #failure: Error | undefined;

  /**
   * @param checks the pinned receipt keys (archival mode), the export's query and the receipts log origin
   * @param onResult called for every receipt with a problem, with the location given to `add`
   */
  constructor(
    checks: { keys: PinnedKey[]; query: BundleQuery; origin: string },
    onResult: (where: string, result: NonNullable<SignatureResult>) => void,
  ) {
    this.#onResult = onResult;
    const size = Math.max(1, Math.min(4, availableParallelism()));
    this.#workers = Array.from({ length: size }, () => {
      const worker = startWorker(import.meta.url, 'signature-worker', { workerData: checks });
      worker.on('message', (msg: { id: number; results: SignatureResult[] }) => {
        const pending = this.#pending.get(msg.id);
        this.#pending.delete(msg.id);
        pending?.resolve(msg.results);
      });
      worker.on('error', (err) => {
        this.#failure = err;
        for (const p of this.#pending.values()) p.reject(err);
        this.#pending.clear();
      });
      return worker;
    });
  }

  /** Queues one receipt (`where` names it in messages); waits when enough batches are in flight. */
  async add(where: string, text: string): Promise<void> {
    this.#batch.items.push(text);
    this.#batch.lines.push(where);
    if (this.#batch.items.length >= BATCH) await this.#flush();
  }

  async #flush(): Promise<void> {
    if (this.#failure) throw this.#failure;
    const { items, lines } = this.#batch;
    if (items.length === 0) return;
    this.#batch = { items: [], lines: [] };
    const id = this.#next++;
    const worker = this.#workers[id % this.#workers.length] as Worker;
    const done = new Promise<SignatureResult[]>((resolve, reject) => {
      this.#pending.set(id, { lines, resolve, reject });
    }).then((results) => {
      results.forEach((result, i) => {
        if (result !== null) this.#onResult(lines[i] as string, result);
      });
    });
    worker.postMessage({ id, items } satisfies SignatureBatch);
    this.#inFlight.push(
      done.catch((err: Error) => {
        this.#failure ??= err;
      }),
    );
    // Two batches per worker in flight keep every core busy without queueing the whole bundle.
    while (this.#inFlight.length > 2 * this.#workers.length) await this.#inFlight.shift();
  }

  /** Waits for every queued receipt. */
  async drain(): Promise<void> {
    await this.#flush();
    while (this.#inFlight.length > 0) await this.#inFlight.shift();
    if (this.#failure) throw this.#failure;
  }

  async close(): Promise<void> {
    await Promise.all(this.#workers.map((w) => w.terminate()));
  }
}
