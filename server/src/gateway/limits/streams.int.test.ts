import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Knex } from 'knex';
import { pino } from 'pino';
import { openMigratedTestDb } from '../../../test/support/database.js';
import { type SlotResult, StreamSlots } from './streams.js';

const log = pino({ level: 'silent' });

const live = async (db: Knex, subject: string) =>
  Number((await db('gateway_stream_slots').where({ subject }).count({ n: '*' }))[0]?.n);

describe('stream slots taken in batches', () => {
  let closeDb: () => Promise<void>;
  let db: Knex;
  let replicas: StreamSlots[];

  before(async () => {
    ({ db, close: closeDb } = await openMigratedTestDb(4));
    replicas = [new StreamSlots(db, log, 60_000), new StreamSlots(db, log, 60_000)];
  });

  after(async () => {
    await Promise.all(replicas.map((r) => r.close()));
    await closeDb();
  });

  test('a burst on two replicas takes exactly the limit, refusing with the subject at its limit', async () => {
    const limits = [
      { subject: 'user:burst', limit: 100 },
      { subject: 'key:burst', limit: 1000 },
    ];
    const results = await Promise.all(
      Array.from({ length: 300 }, (_, i) => (replicas[i % 2] as StreamSlots).acquire(limits)),
    );
    const taken = results.filter((r): r is Extract<SlotResult, { ok: true }> => r.ok);
    assert.equal(taken.length, 100);
    for (const r of results) if (!r.ok) assert.deepEqual(r, { ok: false, subject: 'user:burst', limit: 100 });
    assert.equal(await live(db, 'user:burst'), 100);
    assert.equal(await live(db, 'key:burst'), 100);

    for (const r of taken) r.release();
    for (const r of taken) r.release();
    for (let i = 0; i < 100 && (await live(db, 'user:burst')) > 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.equal(await live(db, 'user:burst'), 0);
    assert.equal(await live(db, 'key:burst'), 0);
  });

  test('streams of one batch with different subjects are limited each by their own', async () => {
    const [one] = replicas as [StreamSlots];
    const results = await Promise.all([
      one.acquire([{ subject: 'user:a', limit: 1 }]),
      one.acquire([{ subject: 'user:b', limit: 2 }]),
      one.acquire([{ subject: 'user:a', limit: 1 }]),
      one.acquire([
        { subject: 'user:b', limit: 2 },
        { subject: 'team:t', limit: 5 },
      ]),
      one.acquire([{ subject: 'user:b', limit: 2 }]),
    ]);
    assert.deepEqual(
      results.map((r) => (r.ok ? 'taken' : r.subject)),
      ['taken', 'taken', 'user:a', 'taken', 'user:b'],
    );
    assert.equal(await live(db, 'team:t'), 1);
    for (const r of results) if (r.ok) r.release();
  });
});
