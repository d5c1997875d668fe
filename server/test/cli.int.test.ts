import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pino } from 'pino';
import { createAuditModule } from '../src/audit/index.js';
import { createContentModule } from '../src/content/index.js';
import { createAuditLogAppender } from '../src/evidence/index.js';
import { createDb } from '../src/platform/db/knex.js';
import { createTestDatabase, type TestDatabase, testDatabaseConfig } from './support/database.js';
import { runCli } from './support/process.js';

const dir = mkdtempSync(join(tmpdir(), 'aila-cli-'));

describe('aila CLI', () => {
  let database: TestDatabase;
  before(async () => {
    database = await createTestDatabase();
  });
  after(() => database.drop());

  test('config check: a broken file exits 1 and names every problem', async () => {
    const file = join(dir, 'broken.yaml');
    writeFileSync(
      file,
      'server:\n  port: -1\n  publicUrl: not a url\ndatabase:\n  pool:\n    max: 0\nextra: true\n',
    );
    const { code, output } = await runCli(['config', 'check'], {
      AILA_CONFIG: file,
      AILA_LOG_LEVEL: 'chatty',
    });
    assert.equal(code, 1);
    for (const expected of [
      'server.port: must be >= 0',
      'server.publicUrl: must match format "uri"',
      'database.pool.max: must be >= 1',
      'extra: unknown key',
      'log.level: must be one of',
    ]) {
      assert.ok(output.includes(expected), `missing "${expected}" in:\n${output}`);
    }
  });

  test('config check --print: valid configuration, secrets redacted', async () => {
    const { code, output } = await runCli(['config', 'check', '--print'], {
      AILA_DATABASE_URL: 'postgres://app:hunter2@db/aila',
    });
    assert.equal(code, 0, output);
    assert.match(output, /configuration is valid/);
    assert.match(output, /"url": "\[redacted\]"/);
    assert.ok(!output.includes('hunter2'));
  });

  test('config schema prints the JSON Schema', async () => {
    const { code, output } = await runCli(['config', 'schema'], {});
    assert.equal(code, 0);
    const schema = JSON.parse(output) as {
      properties: Record<string, unknown>;
      additionalProperties: boolean;
    };
    assert.equal(schema.additionalProperties, false);
    assert.ok(schema.properties.database && schema.properties.server);
  });

  test('migrate status, up, down against a real database', async () => {
    const env = { AILA_DATABASE_URL: database.url };
    const fresh = await runCli(['migrate', 'status'], env);
    assert.equal(fresh.code, 0, fresh.output);
    assert.match(fresh.output, /pending {2}20261122000000_create_settings/);
    assert.match(fresh.output, /0 applied, \d+ pending/);
    const up = await runCli(['migrate', 'up'], env);
    assert.equal(up.code, 0, up.output);
    assert.match(up.output, /applied {2}20261122000000_create_settings/);
    const again = await runCli(['migrate', 'up'], env);
    assert.match(again.output, /nothing to do/);
    const down = await runCli(['migrate', 'down'], env);
    assert.equal(down.code, 0, down.output);
    assert.match(down.output, /reverted/);
    const after = await runCli(['migrate', 'status'], env);
    assert.match(after.output, /0 applied/);
  });

  test('content rewrap moves content keys from a retired key-encryption key to the current one', async () => {
    const own = await createTestDatabase();
    try {
      const env = { AILA_DATABASE_URL: own.url, NODE_ENV: 'production' };
      assert.equal((await runCli(['migrate', 'up'], env)).code, 0);
      const oldKek = Buffer.alloc(32, 1).toString('base64');
      const newKek = Buffer.alloc(32, 2).toString('base64');
      const db = createDb(testDatabaseConfig(2), own.url);
      try {
        const content = await createContentModule({
          db,
          log: pino({ level: 'silent' }),
          config: { keyEncryptionKey: oldKek, previousKeyEncryptionKeys: [], keyCacheTtlMs: 0 },
          audit: (await createAuditModule({ db, appender: createAuditLogAppender() })).service,
          production: true,
          usageRetentionDays: 90,
        });
        await content.service.seal(db, { userId: randomUUID(), teamId: randomUUID() }, Buffer.from('x'));
      } finally {
        await db.destroy();
      }
      const refused = await runCli(['content', 'rewrap'], {
        ...env,
        AILA_CONTENT_KEY_ENCRYPTION_KEY: newKek,
      });
      assert.equal(refused.code, 1);
      assert.match(refused.output, /previousKeyEncryptionKeys/);
      const moved = await runCli(['content', 'rewrap'], {
        ...env,
        AILA_CONTENT_KEY_ENCRYPTION_KEY: newKek,
        AILA_CONTENT_PREVIOUS_KEY_ENCRYPTION_KEYS: JSON.stringify([oldKek]),
      });
      assert.equal(moved.code, 0, moved.output);
      assert.match(moved.output, /^2 content keys re-wrapped/m);
      const again = await runCli(['content', 'rewrap'], { ...env, AILA_CONTENT_KEY_ENCRYPTION_KEY: newKek });
      assert.match(again.output, /^0 content keys re-wrapped/m);
    } finally {
      await own.drop();
    }
  });

  test('serve refuses to start with pending migrations', async () => {
    const { code, output } = await runCli(['serve'], {
      AILA_DATABASE_URL: database.url,
      AILA_SERVER_PORT: '0',
      AILA_METRICS_ENABLED: 'false',
    });
    assert.equal(code, 1);
    assert.match(output, /migration\(s\) pending .*run `aila migrate up`/);
  });

  test('production refuses the embedded database and the development parts', async () => {
    const serve = await runCli(['serve'], { NODE_ENV: 'production', AILA_METRICS_ENABLED: 'false' });
    assert.equal(serve.code, 1);
    assert.match(serve.output, /database.url is required when NODE_ENV=production/);
    const dev = await runCli(['dev'], { NODE_ENV: 'production' });
    assert.equal(dev.code, 1);
    assert.match(dev.output, /refuses NODE_ENV=production/);
  });

  test('version', async () => {
    const { code, output } = await runCli(['version'], {});
    assert.equal(code, 0);
    assert.match(output, /^aila \d+\.\d+\.\d+ \(node v\d+/);
  });
});
