import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ConfigError, loadConfig, redactConfig } from './loader.js';

const dir = mkdtempSync(join(tmpdir(), 'aila-config-'));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

async function problemsOf(env: NodeJS.ProcessEnv): Promise<string[]> {
  try {
    await loadConfig({ env });
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    return err.problems.map((p) => `${p.path}: ${p.message}`);
  }
  assert.fail('expected a ConfigError');
}

describe('configuration', () => {
  test('defaults apply with no file and no environment', async () => {
    const config = await loadConfig({ env: {} });
    assert.equal(config.server.port, 8080);
    assert.equal(config.database.migrateOnStart, false);
    assert.equal(config.database.embedded.dataDir, './.aila/data');
    assert.ok(Object.isFrozen(config.server));
  });

  test('YAML file, environment overrides and _FILE secrets combine', async () => {
    const secret = file('db-url', 'postgres://app:s3cret@db:5432/aila\n');
    const config = await loadConfig({
      env: {
        AILA_CONFIG: file(
          'a.yaml',
          'server:\n  port: 9000\n  publicUrl: https://ai.example.com\nlog:\n  level: debug\n',
        ),
        AILA_SERVER_PORT: '9100',
        AILA_DATABASE_MIGRATE_ON_START: 'true',
        AILA_DATABASE_URL_FILE: secret,
        AILA_LOG_REDACT: 'a.b, c.d',
      },
    });
    assert.equal(config.server.port, 9100);
    assert.equal(config.server.publicUrl, 'https://ai.example.com');
    assert.equal(config.log.level, 'debug');
    assert.equal(config.database.migrateOnStart, true);
    assert.equal(config.database.url, 'postgres://app:s3cret@db:5432/aila');
    assert.deepEqual(config.log.redact, ['a.b', 'c.d']);
    assert.equal((redactConfig(config).database as { url: string }).url, '[redacted]');
  });

  test('every problem is listed with its path', async () => {
    const problems = await problemsOf({
      AILA_CONFIG: file(
        'bad.yaml',
        'server:\n  port: 70000\n  colour: blue\nlog:\n  level: loud\nmystery: 1\n',
      ),
      AILA_DATABASE_POOL_MAX: 'many',
    });
    assert.deepEqual(problems.sort(), [
      'database.pool.max: must be integer',
      'log.level: must be one of fatal, error, warn, info, debug, trace, silent',
      'mystery: unknown key',
      'server.colour: unknown key',
      'server.port: must be <= 65535',
    ]);
  });

  test('YAML syntax errors and unreadable files are reported', async () => {
    const [syntax] = await problemsOf({ AILA_CONFIG: file('syntax.yaml', 'server: [1, 2\n') });
    assert.match(syntax ?? '', /^\(file\): .*syntax\.yaml/);
    const [missing] = await problemsOf({ AILA_CONFIG: join(dir, 'absent.yaml') });
    assert.match(missing ?? '', /cannot read/);
    const both = await problemsOf({ AILA_DATABASE_URL: 'postgres://x', AILA_DATABASE_URL_FILE: '/nope' });
    assert.deepEqual(both, [
      'database.url: both AILA_DATABASE_URL and AILA_DATABASE_URL_FILE are set; use one',
    ]);
  });

  test('vault: references go through the registered resolver', async () => {
    const env = { AILA_DATABASE_URL: 'vault:secret/ai-la/db#url' };
    assert.match((await problemsOf(env))[0] ?? '', /no vault secrets provider is configured/);
    const config = await loadConfig({
      env,
      resolvers: async () => [
        { scheme: 'vault', resolve: async (ref) => `postgres://resolved/${ref.length}` },
      ],
    });
    assert.equal(config.database.url, 'postgres://resolved/25');
  });
});
