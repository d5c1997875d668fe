import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestDatabase, type TestDatabase } from './support/database.js';
import { spawnTs } from './support/process.js';

describe('process lifecycle', () => {
  let database: TestDatabase;
  before(async () => {
    database = await createTestDatabase();
  });
  after(() => database.drop());

  test('SIGTERM during an in-flight stream: the stream completes, then exit 0', async () => {
    const child = spawnTs('server/test/fixtures/streaming-appliance.ts', [], {
      AILA_DATABASE_URL: database.url,
      AILA_DATABASE_MIGRATE_ON_START: 'true',
      AILA_SERVER_HOST: '127.0.0.1',
      AILA_SERVER_PORT: '0',
      AILA_METRICS_ENABLED: 'false',
      AILA_SERVER_SHUTDOWN_TIMEOUT_MS: '20000',
    });
    const [, url] = await child.waitFor(/LISTENING (\S+)/);
    const res = await fetch(`${url}/test/stream`);
    assert.equal(res.status, 200);
    const reader = res.body!.getReader();
    const first = await reader.read();
    assert.match(Buffer.from(first.value ?? []).toString(), /data: 0/);
    child.proc.kill('SIGTERM');
    await child.waitFor(/shutting down: draining/);
    // New connections are refused while the stream goes on.
    await assert.rejects(fetch(`${url}/livez`));
    let body = Buffer.from(first.value ?? []).toString();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      body += Buffer.from(value).toString();
    }
    assert.match(body, /data: 9\n\ndata: \[DONE\]\n\n$/);
    assert.equal(await child.exited, 0);
    assert.match(child.output(), /"clean":true/);
  });
});
