import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Knex } from 'knex';
import { pino } from 'pino';
import { createTestDatabase, type TestDatabase, testDatabaseConfig } from '../../../test/support/database.js';
import { createDb } from './knex.js';
import { OwnConnections } from './own-connections.js';

describe('connections of a component of its own', () => {
  let database: TestDatabase;
  let db: Knex;

  before(async () => {
    database = await createTestDatabase();
    db = createDb(testDatabaseConfig(2), database.url);
  });

  after(async () => {
    await db.destroy();
    await database.drop();
  });

  test('set up once, reused, replaced after a failed statement, closed for good', async () => {
    const own = new OwnConnections(db, pino({ level: 'silent' }), {
      what: 'test',
      setup: "set application_name to 'own-connections-test'",
    });
    const pid = async () =>
      (
        await own.query<{ pid: number; name: string }>({
          text: "select pg_backend_pid() as pid, current_setting('application_name') as name",
        })
      ).rows[0];
    const first = await pid();
    assert.equal(first?.name, 'own-connections-test');
    assert.equal((await pid())?.pid, first?.pid, 'the idle connection is reused');

    await assert.rejects(own.query({ text: 'select 1/0' }), /division by zero/);
    const next = await pid();
    assert.notEqual(next?.pid, first?.pid, 'a connection that failed a statement is not used again');
    assert.equal(next?.name, 'own-connections-test');

    const both = await Promise.all([pid(), pid()]);
    assert.notEqual(both[0]?.pid, both[1]?.pid, 'statements at once run on connections of their own');

    await own.close();
    await assert.rejects(own.query({ text: 'select 1' }), /test connections are closed/);
    // The failed connection was closed without waiting; give its backend a moment to go.
    const open = async () =>
      (
        await db.raw(
          "select count(*)::int as n from pg_stat_activity where application_name = 'own-connections-test'",
        )
      ).rows[0].n as number;
    for (let i = 0; i < 50 && (await open()) > 0; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(await open(), 0);
  });
});
