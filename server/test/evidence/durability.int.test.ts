import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Knex } from 'knex';
import {
  canonicalBytes,
  checkConsistencyText,
  openCheckpoint,
  parseVerifierKey,
} from '../../src/evidence/core/index.js';
import { createDb } from '../../src/platform/db/knex.js';
import { migrateUp } from '../../src/platform/db/migrations.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { type Child, spawnTs } from '../support/process.js';
import { checkLog } from './log-check.js';
import { testConfig } from './support.js';

const FIXTURE = 'server/test/evidence/fixtures/evidence-appliance.ts';

describe('durability: kill -9 under load, restart', () => {
  let database: TestDatabase;
  let db: Knex;
  let keyDir: string;
  let env: Record<string, string>;
  const children: Child[] = [];

  const start = async (): Promise<{ child: Child; url: string }> => {
    const child = spawnTs(FIXTURE, [], env);
    children.push(child);
    const [, url] = await child.waitFor(/LISTENING (\S+)/);
    return { child, url: url as string };
  };

  before(async () => {
    database = await createTestDatabase();
    keyDir = await mkdtemp(join(tmpdir(), 'aila-keys-'));
    const config = await testConfig({});
    db = createDb({ ...config.database, pool: { min: 0, max: 4 } }, database.url);
    await migrateUp(db);
    env = {
      AILA_DATABASE_URL: database.url,
      AILA_SERVER_PUBLIC_URL: 'https://ai-la.example.com',
      AILA_EVIDENCE_KEYS_DIR: keyDir,
      AILA_EVIDENCE_CHECKPOINT_INTERVAL_MS: '100',
      AILA_LOG_LEVEL: 'warn',
    };
  });
  after(async () => {
    for (const c of children) if (c.proc.exitCode === null) c.proc.kill('SIGKILL');
    await Promise.all(children.map((c) => c.exited));
    await db.destroy();
    await database.drop();
    await rm(keyDir, { recursive: true, force: true });
  });

  test('every receipt a client received is in the log; the new tree extends every checkpoint seen', async () => {
    const first = await start();
    const received: Array<{ id: string; receipt: Record<string, unknown> }> = [];
    const seenCheckpoints: string[] = [];
    let stop = false;
    const client = async () => {
      while (!stop) {
        try {
          const res = await fetch(`${first.url}/test/record`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: '{}',
          });
          if (res.ok) received.push((await res.json()) as (typeof received)[number]);
        } catch {
          // The process was killed mid-request: that receipt was never received.
        }
      }
    };
    const watcher = async () => {
      while (!stop) {
        try {
          const res = await fetch(`${first.url}/log/receipts/checkpoint`);
          if (res.ok) seenCheckpoints.push(await res.text());
        } catch {
          // Killed.
        }
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    const load = [...Array.from({ length: 48 }, client), watcher()];
    // Kill once receipts were received and some are already in a published checkpoint.
    await first.child.waitFor(/INTEGRATED receipts [1-9]/);
    while (received.length < 2000) await new Promise((r) => setTimeout(r, 10));
    first.child.proc.kill('SIGKILL');
    await first.child.exited;
    stop = true;
    await Promise.all(load);
    assert.ok(received.length >= 2000);
    assert.ok(seenCheckpoints.length > 0);

    const second = await start();
    const vkeys = (await (await fetch(`${second.url}/api/v1/tecp/vkeys`)).json()) as {
      receipts: string;
      audit: string;
    };
    // Wait until the restarted sequencer has integrated everything that was committed.
    for (;;) {
      const queued = Number((await db('log_queue').count('* as n').first())?.n);
      if (queued === 0) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const latest = await (await fetch(`${second.url}/log/receipts/checkpoint`)).text();
    const size = await checkLog(db, 'receipts', [vkeys.receipts], [...seenCheckpoints, latest]);
    assert.ok(size >= received.length);

    // Every received receipt: its leaf is integrated and holds exactly the receipt the client got.
    const byLeaf = new Map(
      (
        (await db('log_entries as e')
          .join('log_leaves as l', 'l.id', 'e.leaf_id')
          .where('e.log', 1)
          .select('e.leaf_id', 'l.data')) as Array<{
          leaf_id: string;
          data: Buffer;
        }>
      ).map((r) => [`p${r.leaf_id}`, r.data]),
    );
    for (const r of received) {
      const data = byLeaf.get(r.id);
      assert.ok(data, `received receipt ${r.id} is not in the log`);
      assert.ok(data.equals(canonicalBytes(r.receipt)));
    }

    // The restarted appliance proves consistency from every checkpoint published before the crash.
    const verifier = parseVerifierKey(vkeys.receipts);
    const newest = openCheckpoint(latest, [verifier]).checkpoint;
    for (const note of new Set(seenCheckpoints)) {
      const old = openCheckpoint(note, [verifier]).checkpoint;
      const proof = await (
        await fetch(`${second.url}/api/v1/tecp/consistency?log=receipts&old=${old.size}&size=${newest.size}`)
      ).text();
      checkConsistencyText(proof, old, newest);
    }
    second.child.proc.kill('SIGTERM');
    assert.equal(await second.child.exited, 0);
  });
});
