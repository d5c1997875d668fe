import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pino } from 'pino';
import { createAuditModule } from '../../src/audit/index.js';
import { loadConfig } from '../../src/config/index.js';
import { createAuditLogAppender } from '../../src/evidence/index.js';
import { createIdentityModule, RouteRegistry } from '../../src/identity/index.js';
import { hashPassword, verifyPassword } from '../../src/identity/local/password.js';
import { REPO_ROOT, spawnTs } from '../support/process.js';
import { Browser, errorCode, PUBLIC_URL, type SsoFixture, signIn, startSsoFixture } from './support.js';

const PASSWORD = 'correct horse battery staple';

interface Me {
  user: { id: string; email: string };
  roles: Array<{ role: string; source: string }>;
  auth: { connection: string };
}

/** Runs `aila admin <command>` against the fixture's database; returns exit code and output. */
async function adminCli(
  sso: SsoFixture,
  args: string[],
  input?: string,
): Promise<{ code: number | null; output: string }> {
  const env = {
    AILA_DATABASE_URL: sso.app.database.url,
    AILA_SERVER_PUBLIC_URL: PUBLIC_URL,
    AILA_LOG_LEVEL: 'warn',
  };
  if (input === undefined) {
    const child = spawnTs('server/test/identity/fixtures/admin-cli.ts', args, env);
    return { code: await child.exited, output: child.output() };
  }
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', resolve(REPO_ROOT, 'server/test/identity/fixtures/admin-cli.ts'), ...args],
    {
      cwd: REPO_ROOT,
      env: { ...process.env, ...env },
    },
  );
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  child.stdin.end(input);
  const code = await new Promise<number | null>((ok) => child.once('exit', ok));
  return { code, output };
}

const tokenOf = (output: string) => /\/auth\/bootstrap\?token=([A-Za-z0-9_-]{43})/.exec(output)?.[1] ?? '';

describe('first-admin bootstrap link', () => {
  let sso: SsoFixture;
  before(async () => {
    sso = await startSsoFixture();
  });
  after(() => sso.stop());

  const use = async (token: string) => {
    const browser = new Browser(sso.app.url);
    const res = await browser.fetch(`/auth/bootstrap?token=${token}`);
    return { browser, res };
  };

  test('aila admin bootstrap prints a one-time link; it signs in a local admin, once', async () => {
    const { code, output } = await adminCli(sso, ['bootstrap']);
    assert.equal(code, 0, output);
    assert.match(output, new RegExp(`${PUBLIC_URL}/auth/bootstrap\\?token=`));
    const token = tokenOf(output);
    const stored = await sso.app.db('bootstrap_tokens').first();
    assert.notEqual(stored.token_hash, token);
    assert.equal(Math.round((stored.expires_at.getTime() - stored.created_at.getTime()) / 60_000), 15);

    const { browser, res } = await use(token);
    assert.equal(res.status, 302);
    assert.equal(res.headers.get('location'), '/');
    const me = await browser.json<Me>('/api/v1/me');
    assert.equal(me.user.email, 'bootstrap-admin@aila.invalid');
    assert.deepEqual(
      me.roles.map((r) => [r.role, r.source]),
      [['admin', 'admin']],
    );
    assert.equal(me.auth.connection, 'bootstrap');

    const again = await use(token);
    assert.equal(again.res.status, 400);
    assert.equal(await errorCode(again.res), 'BOOTSTRAP_TOKEN_INVALID');
    const events = await sso.app.db('audit_events').where({ action: 'auth.bootstrap' }).orderBy('seq');
    assert.deepEqual(
      events.map((e) => [e.outcome, e.event.details.stage ?? e.event.details.reason]),
      [
        ['success', 'issued'],
        ['success', 'used'],
        ['failure', 'token_invalid'],
      ],
    );
  });

  test('--email elevates that account; the admin role is pinned, so SSO sign-ins keep it', async () => {
    const { output } = await adminCli(sso, ['bootstrap', 'dev@ai-la.dev']);
    const { browser, res } = await use(tokenOf(output));
    assert.equal(res.status, 302);
    const me = await browser.json<Me>('/api/v1/me');
    assert.equal(me.user.email, 'dev@ai-la.dev');
    const sso2 = await signIn(sso.app, 'dev@ai-la.dev');
    const after = await sso2.json<Me>('/api/v1/me');
    assert.equal(after.user.id, me.user.id);
    assert.deepEqual(
      after.roles.map((r) => [r.role, r.source]),
      [
        ['admin', 'admin'],
        ['developer', 'idp'],
      ],
    );
  });

  test('an expired or unknown link is refused', async () => {
    const { output } = await adminCli(sso, ['bootstrap']);
    await sso.app
      .db('bootstrap_tokens')
      .whereNull('used_at')
      .update({ expires_at: new Date(Date.now() - 1000) });
    assert.equal(await errorCode((await use(tokenOf(output))).res), 'BOOTSTRAP_TOKEN_INVALID');
    assert.equal(await errorCode((await use('A'.repeat(43))).res), 'BOOTSTRAP_TOKEN_INVALID');
    assert.equal(await errorCode((await use('short')).res), 'VALIDATION_FAILED');
  });

  test('aila admin hash-password reads the password from stdin and prints a verifiable scrypt hash', async () => {
    const { code, output } = await adminCli(sso, ['hash-password'], `${PASSWORD}\n`);
    assert.equal(code, 0, output);
    const hash = output.trim();
    assert.match(hash, /^scrypt\$32768\$8\$1\$/);
    assert.equal(await verifyPassword(PASSWORD, hash), true);
    const short = await adminCli(sso, ['hash-password'], 'short\n');
    assert.equal(short.code, 1);
  });
});

describe('break-glass administrator', () => {
  let off: SsoFixture;
  let on: SsoFixture;
  before(async () => {
    off = await startSsoFixture();
    on = await startSsoFixture({
      AILA_AUTH_BREAK_GLASS_ENABLED: 'true',
      AILA_AUTH_BREAK_GLASS_USERNAME: 'rescue',
      AILA_AUTH_BREAK_GLASS_PASSWORD_HASH: await hashPassword(PASSWORD),
    });
  });
  after(async () => {
    await off.stop();
    await on.stop();
  });

  const attempt = (sso: SsoFixture, username: string, password: string, browser = new Browser(sso.app.url)) =>
    browser
      .fetch('/auth/break-glass', { method: 'POST', json: { username, password } })
      .then((res) => ({ res, browser }));

  const lastEvent = (sso: SsoFixture) =>
    sso.app.db('audit_events').where({ action: 'auth.break_glass' }).orderBy('seq', 'desc').first();

  test('off by default: 404, and the attempt is audited', async () => {
    const { res } = await attempt(off, 'rescue', PASSWORD);
    assert.equal(res.status, 404);
    assert.equal(await errorCode(res), 'BREAK_GLASS_DISABLED');
    const event = await lastEvent(off);
    assert.equal(event.outcome, 'denied');
    assert.equal(event.event.details.reason, 'disabled');
  });

  test('wrong password or user name: 401, audited; the right ones: an admin session, audited', async () => {
    for (const [username, password] of [
      ['rescue', 'wrong password here'],
      ['someone', PASSWORD],
    ] as const) {
      const { res } = await attempt(on, username, password);
      assert.equal(res.status, 401);
      assert.equal(await errorCode(res), 'BREAK_GLASS_REFUSED');
      assert.equal((await lastEvent(on)).outcome, 'failure');
    }
    const { res, browser } = await attempt(on, 'rescue', PASSWORD);
    assert.equal(res.status, 200);
    const me = await browser.json<Me>('/api/v1/me');
    assert.equal(me.user.email, 'rescue@break-glass.invalid');
    assert.deepEqual(
      me.roles.map((r) => r.role),
      ['admin'],
    );
    assert.equal(me.auth.connection, 'break-glass');
    const event = await lastEvent(on);
    assert.equal(event.outcome, 'success');
    assert.equal(event.actor_id, me.user.id);
    assert.match(event.event.actor.ip_hmac, /^hmac-sha256:/);
  });

  test('rate-limited per client: the sixth attempt in 15 minutes is 429 with Retry-After', async () => {
    // Three attempts were made above from this address; two more are allowed.
    for (let i = 0; i < 2; i++) assert.equal((await attempt(on, 'rescue', 'still wrong!!')).res.status, 401);
    const { res } = await attempt(on, 'rescue', PASSWORD);
    assert.equal(res.status, 429);
    assert.equal(await errorCode(res), 'RATE_LIMITED');
    assert.ok(Number(res.headers.get('retry-after')) > 0);
    assert.equal((await lastEvent(on)).event.details.reason, 'rate_limited');
  });

  test('enabled without a password hash, the identity module (and so the appliance) refuses to start', async () => {
    const config = await loadConfig({ env: { AILA_AUTH_BREAK_GLASS_ENABLED: 'true' } });
    const { service: audit } = await createAuditModule({ db: on.app.db, appender: createAuditLogAppender() });
    await assert.rejects(
      createIdentityModule({
        db: on.app.db,
        log: pino({ level: 'silent' }),
        audit,
        config: { auth: config.auth, publicUrl: PUBLIC_URL },
        routes: new RouteRegistry(),
      }),
      /auth\.breakGlass\.enabled needs auth\.breakGlass\.passwordHash/,
    );
  });
});
