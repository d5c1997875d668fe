import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import pg from 'pg';
import { pino } from 'pino';
import { startEmbeddedPostgres } from './embedded.js';

const dir = mkdtempSync(join(tmpdir(), 'aila-embedded-'));
const log = pino({ level: 'silent' });

async function query(url: string, sql: string): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
}

describe('embedded PostgreSQL', () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('its data directory survives a restart', async () => {
    const options = { dataDir: join(dir, 'data'), port: 0, log, production: false };
    const port = 40000 + (process.pid % 20000);
    const first = await startEmbeddedPostgres({ ...options, port });
    await query(first.url, 'create table kept (v text); insert into kept values ($$still here$$)');
    await first.stop();
    const second = await startEmbeddedPostgres({ ...options, port });
    try {
      const { rows } = await query(second.url, 'select v from kept');
      assert.deepEqual(rows, [{ v: 'still here' }]);
      assert.equal(second.url, first.url);
    } finally {
      await second.stop();
    }
  });

  test('refuses to run in production', async () => {
    await assert.rejects(
      startEmbeddedPostgres({ dataDir: join(dir, 'prod'), port: 5, log, production: true }),
      /development only/,
    );
  });
});
