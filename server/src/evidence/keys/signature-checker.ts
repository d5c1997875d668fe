/**
 * Checks the signatures a remote signer (Vault Transit) returns, on a worker thread of its own: an
 * Ed25519 verification costs about three signatures, so the event loop that serves requests and
 * builds receipts does not also carry it. Checks requested in the same turn of the event loop (the
 * answers of one Transit batch) go to the worker as one message.
 */
import type { Worker } from 'node:worker_threads';
import { startWorker } from '../../platform/worker.js';

type Item = [publicKey: Uint8Array, data: Uint8Array, signature: Uint8Array];

export interface VerifyBatch {
  id: number;
  items: Item[];
}

interface Waiting {
  resolve: (ok: boolean) => void;
  reject: (err: Error) => void;
}

/** Largest number of checks in one message. */
const MAX_BATCH = 48;

export class SignatureChecker {
  #worker: Worker | undefined;
  #items: Item[] = [];
  #waiting: Waiting[] = [];
  #scheduled = false;
  #next = 0;
  readonly #inFlight = new Map<number, Waiting[]>();

  /** Resolves true when `signature` is a valid Ed25519 signature of `data` under `publicKey`. */
  verify(publicKey: Uint8Array, data: Uint8Array, signature: Uint8Array): Promise<boolean> {
    return new Promise((resolve, reject) => {
      this.#items.push([publicKey, data, signature]);
      this.#waiting.push({ resolve, reject });
      if (this.#items.length >= MAX_BATCH) this.#flush();
      else if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(() => this.#flush());
      }
    });
  }

  /** Stops the worker; checks still in flight fail. */
  async close(): Promise<void> {
    const worker = this.#worker;
    this.#worker = undefined;
    await worker?.terminate();
  }

  #flush(): void {
    this.#scheduled = false;
    if (this.#items.length === 0) return;
    const id = this.#next++;
    const items = this.#items;
    this.#inFlight.set(id, this.#waiting);
    this.#items = [];
    this.#waiting = [];
    const worker = this.#workerNow();
    // Keeps the process alive while checks are outstanding, and only then.
    worker.ref();
    worker.postMessage({ id, items } satisfies VerifyBatch);
  }

  /** The worker, started on first use and again after it failed. */
  #workerNow(): Worker {
    if (this.#worker) return this.#worker;
    const worker = startWorker(import.meta.url, 'verify-worker');
    worker.on('message', ({ id, ok }: { id: number; ok: Uint8Array }) => {
      const waiting = this.#inFlight.get(id) ?? [];
      this.#inFlight.delete(id);
      if (this.#inFlight.size === 0) worker.unref();
      for (const [i, w] of waiting.entries()) w.resolve(ok[i] === 1);
    });
    const failed = (err: Error) => {
      if (this.#worker === worker) this.#worker = undefined;
      for (const waiting of this.#inFlight.values()) for (const w of waiting) w.reject(err);
      this.#inFlight.clear();
    };
    worker.on('error', failed);
    worker.on('exit', (code) => failed(new Error(`the signature check worker exited (code ${code})`)));
    this.#worker = worker;
    return worker;
  }
}
