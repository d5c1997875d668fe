/** Helpers of the evidence benchmark: environments, pre-signed receipts, a plain-row group writer. */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { loadConfig } from '../src/config/index.js';
import {
  createEvidenceModule,
  type EvidenceModule,
  type OperationInput,
  ReceiptService,
} from '../src/evidence/index.js';
import type { ReceiptLeaf } from '../src/evidence/store/receipt-appender.js';
import { withConnection } from '../src/evidence/store/sql.js';
import { createDb } from '../src/platform/db/knex.js';
import { migrateUp } from '../src/platform/db/migrations.js';
import { createTestDatabase, type TestDatabase } from '../test/support/database.js';

export interface BenchEnv {
  database: TestDatabase;
  db: Knex;
  evidence: EvidenceModule;
  keyDir: string;
}

/** A fresh database with the evidence module (sequencer not started). */
export async function openEnv(log: Logger): Promise<BenchEnv> {
  const database = await createTestDatabase();
  const keyDir = await mkdtemp(join(tmpdir(), 'aila-bench-keys-'));
  const config = await loadConfig({
    env: { AILA_EVIDENCE_KEYS_DIR: keyDir, AILA_EVIDENCE_PROOF_CACHE_TILES: '8192' },
  });
  const db = createDb({ ...config.database, pool: { min: 0, max: 12 } }, database.url);
  await migrateUp(db);
  const evidence = await createEvidenceModule({
    db,
    log,
    config: config.evidence,
    publicUrl: config.server.publicUrl,
    production: false,
  });
  return { database, db, evidence, keyDir };
}

export async function closeEnv(env: BenchEnv): Promise<void> {
  await env.evidence.stop();
  await env.db.destroy();
  await env.database.drop();
  await rm(env.keyDir, { recursive: true, force: true });
}

export const percentile = (sorted: readonly number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;

/** Runs `task(i)` for every i < n with `concurrency` in flight; returns the seconds taken. */
export async function pool(
  n: number,
  concurrency: number,
  task: (i: number) => Promise<unknown>,
): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) await task(next++);
    }),
  );
  return (performance.now() - started) / 1000;
}

const users = Array.from({ length: 200 }, () => randomUUID());
const teams = Array.from({ length: 20 }, () => randomUUID());
let counter = 0;

/** A gateway operation with realistic metadata. */
export function buildOperation(): OperationInput {
  const i = counter++;
  return {
    op: 'chat_completions',
    requestId: randomUUID(),
    subject: users[i % users.length] as string,
    team: teams[i % teams.length] as string,
    model: 'llama-3.1-70b-instruct',
    backend: 'vllm-a100-0',
    promptTokens: 1200 + (i % 100),
    completionTokens: 300 + (i % 50),
    status: 'ok',
    inputHash: Buffer.alloc(32, i % 251),
    outputHash: Buffer.alloc(32, (i * 7) % 251),
  };
}

/** Signed receipts ready to append (built by the module's own receipt service, not stored). */
export async function presigned(evidence: EvidenceModule, n: number): Promise<ReceiptLeaf[]> {
  const leaves: ReceiptLeaf[] = [];
  const service = new ReceiptService({
    codeRef: evidence.codeRef,
    receiptsLog: evidence.logs.receipts,
    key: () => evidence.keys.receipt,
    appender: { append: async (leaf) => leaves.push(leaf) },
    noModelTraining: true,
  });
  for (let i = 0; i < n; i++) await service.record(buildOperation());
  return leaves;
}

/** Total on-disk size (heap, TOAST, indexes) of some tables. */
export async function storedBytes(db: Knex, tables: readonly string[]): Promise<number> {
  const { rows } = await withConnection(db, async (c) => {
    await c.query('checkpoint');
    return c.query<{ bytes: string }>(
      'select sum(pg_total_relation_size(t))::bigint as bytes from unnest($1::regclass[]) t',
      [tables],
    );
  });
  return Number(rows[0]?.bytes ?? 0);
}

/** Resolves once the receipts log has a checkpoint of at least `size`. */
export async function waitForSize(evidence: EvidenceModule, size: number): Promise<void> {
  for (;;) {
    const latest = await evidence.proofs.latest(evidence.logs.receipts, true);
    if (latest !== undefined && latest.size >= size) return;
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The floor: the same group commit writing each receipt as one plain row. */
export class GroupWriter {
  readonly #queue: Array<{ data: Buffer; done: () => void; fail: (e: unknown) => void }> = [];
  #inFlight = 0;

  constructor(
    private readonly db: Knex,
    private readonly opts: { batchSize: number; concurrency: number },
  ) {}

  write(data: Buffer): Promise<void> {
    return new Promise((done, fail) => {
      this.#queue.push({ data, done, fail });
      if (this.#queue.length === 1) queueMicrotask(() => this.#pump());
    });
  }

  #pump(): void {
    while (this.#inFlight < this.opts.concurrency && this.#queue.length > 0) {
      const batch = this.#queue.splice(0, this.opts.batchSize);
      this.#inFlight++;
      withConnection(this.db, (c) =>
        c.query('insert into bench_plain_receipts (data) select unnest($1::bytea[])', [
          batch.map((b) => b.data),
        ]),
      )
        .then(
          () => {
            for (const b of batch) b.done();
          },
          (err: unknown) => {
            for (const b of batch) b.fail(err);
          },
        )
        .finally(() => {
          this.#inFlight--;
          this.#pump();
        });
    }
  }
}
