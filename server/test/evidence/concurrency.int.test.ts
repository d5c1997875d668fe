import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Knex } from 'knex';
import { createDb } from '../../src/platform/db/knex.js';
import { migrateUp } from '../../src/platform/db/migrations.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { type Child, spawnTs } from '../support/process.js';
import { checkLog } from './log-check.js';
import { testConfig } from './support.js';

const FIXTURE = 'server/test/evidence/fixtures/evidence-appliance.ts';
const PER_PROCESS = 4000;

describe('concurrency: two processes appending at full speed to one database', () => {
  let database: TestDatabase;
  let db: Knex;
  let keyDir: string;
  const children: Child[] = [];

  before(async () => {
    database = await createTestDatabase();
    keyDir = await mkdtemp(join(tmpdir(), 'aila-keys-'));
    db = createDb({ ...(await testConfig({})).database, pool: { min: 0, max: 4 } }, database.url);
    await migrateUp(db);
  });
  after(async () => {
    for (const c of children) if (c.proc.exitCode === null) c.proc.kill('SIGKILL');
    await Promise.all(children.map((c) => c.exited));
    await db.destroy();
    await database.drop();
    await rm(keyDir, { recursive: true, force: true });
  });

  test('one log: contiguous indices, one tree, every checkpoint of either process consistent', async () => {
    const env = {
      AILA_DATABASE_URL: database.url,
      AILA_SERVER_PUBLIC_URL: 'https://ai-la.example.com',
      AILA_EVIDENCE_KEYS_DIR: keyDir,
      AILA_EVIDENCE_CHECKPOINT_INTERVAL_MS: '50',
      AILA_EVIDENCE_SEQUENCER_BATCH_SIZE: '500',
    };
    // Without the election both processes integrate: only the fenced transactions keep one tree.
    for (let i = 0; i < 2; i++)
      children.push(spawnTs(FIXTURE, ['--no-election', '--self-load', String(PER_PROCESS)], env));
    const [a, b] = children as [Child, Child];
    const [, url] = await a.waitFor(/LISTENING (\S+)/);
    await Promise.all(children.map((c) => c.waitFor(/DONE \d+/, 120000)));
    const audits = 2 * Math.ceil(PER_PROCESS / 50);
    for (;;) {
      const queued = Number((await db('log_queue').count('* as n').first())?.n);
      if (queued === 0) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const vkeys = (await (await fetch(`${url}/api/v1/tecp/vkeys`)).json()) as {
      receipts: string;
      audit: string;
    };
    assert.equal(await checkLog(db, 'receipts', [vkeys.receipts]), 2 * PER_PROCESS);
    assert.equal(await checkLog(db, 'audit', [vkeys.audit]), audits);
    const integrations = `${a.output()}${b.output()}`.match(/INTEGRATED receipts/g) ?? [];
    assert.ok(integrations.length > 1);
    for (const c of children) c.proc.kill('SIGTERM');
    assert.deepEqual(await Promise.all(children.map((c) => c.exited)), [0, 0]);
  });
});
