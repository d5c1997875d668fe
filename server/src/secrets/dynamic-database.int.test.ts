import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { pino } from 'pino';
import { VaultTestServer } from '../../test/fixtures/vault/server.js';
import { rootClient, setupDatabaseEngine } from '../../test/fixtures/vault/setup.js';
import { createTestDatabase, type TestDatabase, testDatabaseConfig } from '../../test/support/database.js';
import { DynamicDatabase } from './dynamic-database.js';
import { VaultClient } from './vault-client.js';

const log = pino({ level: 'silent' });

describe('dynamic PostgreSQL credentials', () => {
  let database: TestDatabase;
  let server: VaultTestServer;
  let admin: pg.Client;
  let vault: VaultClient;
  const owner = `aila_owner_${randomUUID().slice(0, 8)}`;
  let bareUrl: string;

  const roleExists = async (name: string) =>
    (await admin.query('select 1 from pg_roles where rolname = $1', [name])).rowCount === 1;

  before(async () => {
    database = await createTestDatabase();
    admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    await admin.query(`create role ${owner} nologin`);
    await admin.query(`grant all on schema public to ${owner}`);
    await admin.query(`create table items (id serial primary key, worker int not null, n int not null)`);
    await admin.query(`alter table items owner to ${owner}`);
    server = await VaultTestServer.start();
    const url = new URL(database.url);
    url.username = '';
    url.password = '';
    bareUrl = url.href;
    vault = await VaultClient.connect(
      {
        address: server.url,
        auth: { method: 'token', token: server.rootToken, jwtPath: '' },
        refreshIntervalMs: 60000,
        timeoutMs: 5000,
        bootTimeoutMs: 0,
      },
      { log },
    );
  });

  after(async () => {
    vault.close();
    await server.close();
    await admin.query(`drop owned by ${owner}`);
    await admin.query(`drop role ${owner}`);
    await admin.end();
    await database.drop();
  });

  test('continuous queries survive two rotations; old roles are revoked', async () => {
    await setupDatabaseEngine(rootClient(server), { adminUrl: database.url, ownerRole: owner });
    const dynamic = await DynamicDatabase.open({
      vault,
      settings: { mount: 'database', role: 'ai-la', drainTimeoutMs: 10000 },
      database: testDatabaseConfig(5, 30000),
      url: bareUrl,
      log,
    });
    const { db } = dynamic;
    let stop = false;
    let ok = 0;
    const failures: Error[] = [];
    const users = new Set<string>();
    // Eight workers, more than the pool holds: every rotation finds busy, idle and queued work.
    const workers = Array.from({ length: 8 }, async (_, worker) => {
      for (let n = 0; !stop; n++) {
        try {
          if (n % 3 === 0) {
            await db.transaction(async (trx) => {
              await trx('items').insert({ worker, n });
              const row = await trx.raw<{ rows: Array<{ u: string }> }>('select session_user as u');
              users.add(row.rows[0]?.u ?? '');
            });
          } else {
            await db('items').where({ worker }).count({ c: '*' });
          }
          ok++;
        } catch (err) {
          failures.push(err as Error);
        }
      }
    });
    const waitForQueries = async (count: number) => {
      const target = ok + count;
      while (ok < target && failures.length === 0) await new Promise((r) => setImmediate(r));
    };

    await waitForQueries(200);
    const first = dynamic.username;
    await dynamic.rotate();
    await waitForQueries(200);
    const second = dynamic.username;
    await dynamic.rotate();
    await waitForQueries(200);
    const third = dynamic.username;
    stop = true;
    await Promise.all(workers);

    assert.deepEqual(failures, []);
    assert.equal(new Set([first, second, third]).size, 3);
    assert.ok(users.has(first) && users.has(third), `sessions ran as ${[...users].join(', ')}`);
    assert.equal(await roleExists(first), false, 'first role dropped');
    assert.equal(await roleExists(second), false, 'second role dropped');
    assert.equal(await roleExists(third), true, 'current role exists');
    assert.equal(server.databaseEngine()?.activeLeases.length, 1);
    // Objects a dynamic user creates (migrations) belong to the owner role, not to a temporary user.
    await db.schema.createTable('made_by_dynamic_user', (t) => t.increments('id'));
    const owners = await admin.query(
      `select tableowner from pg_tables where tablename = 'made_by_dynamic_user'`,
    );
    assert.equal(owners.rows[0]?.tableowner, owner);
    await dynamic.close();
    assert.equal(await roleExists(third), false, 'close revokes the last lease');
    assert.equal(server.databaseEngine()?.activeLeases.length, 0);
  });

  test('the lease is renewed, and the credential rotated before its max TTL', async () => {
    await rootClient(server).write('database/roles/short', {
      db_name: 'aila',
      creation_statements: [
        `CREATE ROLE "{{name}}" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}' IN ROLE "${owner}";`,
      ],
      revocation_statements: [
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '{{name}}';`,
        `DROP ROLE IF EXISTS "{{name}}";`,
      ],
      default_ttl: 3,
      max_ttl: 5,
    });
    await rootClient(server).write('database/config/aila', {
      plugin_name: 'postgresql-database-plugin',
      connection_url: database.url,
      allowed_roles: 'ai-la,short',
    });
    const renewals = () => server.requests.filter((r) => r.path === 'sys/leases/renew').length;
    const renewedBefore = renewals();
    const dynamic = await DynamicDatabase.open({
      vault,
      settings: { mount: 'database', role: 'short', drainTimeoutMs: 10000 },
      database: testDatabaseConfig(2, 30000),
      url: bareUrl,
      log,
    });
    const first = dynamic.username;
    await dynamic.db.raw('select 1');
    // TTL 3 s, max 5 s: renewed at 2 s (granted 2 s: capped), rotated at about 3.3 s.
    const [event] = await once(dynamic, 'rotated');
    assert.equal(event.from, first);
    assert.equal(event.revoked, true);
    assert.ok(renewals() > renewedBefore, 'the lease was renewed before rotating');
    assert.equal(await roleExists(first), false);
    const row = await dynamic.db.raw<{ rows: Array<{ u: string }> }>('select session_user as u');
    assert.equal(row.rows[0]?.u, dynamic.username);
    await dynamic.close();
  });
});
