import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nodeVault from 'node-vault';
import { pino } from 'pino';
import { loadConfig } from '../src/config/index.js';
import { b64urlDecode, verifyReceipt } from '../src/evidence/core/index.js';
import { KeyRing, type OperationInput, ReceiptService, resolveLogs, toJwk } from '../src/evidence/index.js';
import { createDb } from '../src/platform/db/knex.js';
import { migrateUp } from '../src/platform/db/migrations.js';
import { KvSecrets, openEvidenceKeySources } from '../src/secrets/index.js';
import { buildOperation } from '../test/evidence/operation.js';
import { rootVaultClient } from '../test/fixtures/vault/setup.js';
import { createTestDatabase } from '../test/support/database.js';
import { spawnTs } from '../test/support/process.js';

const RECEIPTS = Number(process.env.BENCH_RECEIPTS ?? 20000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 256);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const log = pino({ level: 'silent' });

/** Records every operation with `CONCURRENCY` concurrent callers; returns receipts per second. */
async function measure(service: ReceiptService, ops: OperationInput[]): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < ops.length) await service.record(ops[next++] as OperationInput);
    }),
  );
  return ops.length / ((performance.now() - started) / 1000);
}

const database = await createTestDatabase();
const keyDir = await mkdtemp(join(tmpdir(), 'aila-bench-keys-'));
const vaultProcess = spawnTs('server/bench/vault-process.ts', [], {});
const [line] = await vaultProcess.waitFor(/\{"url".*\}/);
const server = JSON.parse(line) as { url: string; rootToken: string };
const db = createDb({ ...(await loadConfig({ env: {} })).database, pool: { min: 0, max: 4 } }, database.url);
try {
  await migrateUp(db);
  const root = nodeVault({ endpoint: server.url, token: server.rootToken });
  await root.write('sys/mounts/transit', { type: 'transit' });
  await root.write('transit/keys/ai-la-receipts', { type: 'ed25519' });
  await root.write('transit/keys/ai-la-log', { type: 'ed25519' });
  const vault = await rootVaultClient(server, 30000);
  const local = await loadConfig({ env: { AILA_EVIDENCE_KEYS_DIR: keyDir } });
  const transit = await loadConfig({ env: { AILA_EVIDENCE_KEYS_SOURCE: 'transit' } });
  const sources = await openEvidenceKeySources(transit.evidence.keys, {
    vault,
    kv: new KvSecrets(vault),
    references: new Map(),
  });
  const rings = {
    local: await KeyRing.open({ db, config: local.evidence.keys, production: false, logger: log }),
    transit: await KeyRing.open({
      db,
      config: transit.evidence.keys,
      production: false,
      logger: log,
      ...(sources ? { sources } : {}),
    }),
  };
  let leaf = 0;
  const serviceOf = (ring: KeyRing) =>
    new ReceiptService({
      codeRef: 'build:sha256:bench',
      receiptsLog: resolveLogs(local.evidence.origins, local.server.publicUrl).receipts,
      key: () => ring.receipt,
      appender: { append: async () => ++leaf },
      noModelTraining: true,
    });
  const services = { local: serviceOf(rings.local), transit: serviceOf(rings.transit) };
  const ops = Array.from({ length: RECEIPTS }, () => buildOperation());
  // A full warm-up round of each (JIT, connection pool, the verification worker), then alternating measured rounds: the machine's load changes
  // over a run, and each pair of rounds measures both signers under about the same conditions.
  await measure(services.local, ops);
  await measure(services.transit, ops);
  // Counts the sign requests (one per batch) of the measured Transit rounds.
  let requests = 0;
  const write = vault.write.bind(vault);
  vault.write = (path, body) => {
    if (path.startsWith('transit/sign/')) requests++;
    return write(path, body);
  };
  const rounds: Array<{ local: number; transit: number; ratio: number }> = [];
  for (let round = 0; round < ROUNDS; round++) {
    const localRound = await measure(services.local, ops);
    const transitRound = await measure(services.transit, ops);
    rounds.push({ local: localRound, transit: transitRound, ratio: localRound / transitRound });
  }
  const median = [...rounds].sort((a, b) => a.ratio - b.ratio)[
    Math.floor(ROUNDS / 2)
  ] as (typeof rounds)[number];

  // A Transit receipt verifies against the published key set, under the Transit key's kid.
  const sample = await services.transit.record(buildOperation());
  const keys = (await rings.transit.stored()).filter((k) => k.purpose === 'receipts').map(toJwk);
  const pinned = keys.map((k) => ({ publicKey: b64urlDecode(k.x), nbf: k.nbf }));
  if (!verifyReceipt(sample.receipt, { archival: true, keys: pinned }).valid)
    throw new Error('a Transit-signed receipt does not verify');
  const { ratio } = median;
  const perRound = rounds.map(
    (r, i) =>
      `  round ${i + 1}: local ${Math.round(r.local)}/s, transit ${Math.round(r.transit)}/s, ${r.ratio.toFixed(2)}x\n`,
  );
  process.stdout.write(
    `${RECEIPTS} receipts per round through ReceiptService and KeyRing, ${CONCURRENCY} concurrent callers, ${ROUNDS} rounds of each signer, alternating\n` +
      perRound.join('') +
      `local ed25519 key:  ${Math.round(median.local)} receipts/s (median round)\n` +
      `vault transit:      ${Math.round(median.transit)} receipts/s (${(requests / ROUNDS).toFixed(0)} sign requests per round, ${((RECEIPTS * ROUNDS) / requests).toFixed(1)} signatures per batch)\n` +
      `local/transit:      ${ratio.toFixed(2)}x, the median round ${ratio <= 2 ? '(within 2x)' : '(NOT within 2x)'}\n`,
  );
  vault.close();
} finally {
  await db.destroy();
  vaultProcess.proc.kill('SIGTERM');
  await vaultProcess.exited;
  await database.drop();
  await rm(keyDir, { recursive: true, force: true });
}
