import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { login } from '../../src/cli/login.js';
import { type Browser, errorCode, PUBLIC_URL, type SsoFixture, signIn, startSsoFixture } from './support.js';

const GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
const USER_CODE = /^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/;

describe('device authorization grant (RFC 8628) and aila login', () => {
  let sso: SsoFixture;
  let developer: Browser;
  before(async () => {
    sso = await startSsoFixture({ AILA_AUTH_DEVICE_POLL_INTERVAL_SECONDS: '1' });
    developer = await signIn(sso.app, 'dev@ai-la.dev');
  });
  after(() => sso.stop());

  const form = async (path: string, fields: Record<string, string>) => {
    const res = await fetch(`${sso.app.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    });
    return {
      status: res.status,
      cache: res.headers.get('cache-control'),
      body: (await res.json()) as Record<string, string | number>,
    };
  };
  const start = (scope = 'gateway assistant') => form('/auth/device/code', { client_id: 'aila-cli', scope });
  const poll = (deviceCode: string) =>
    form('/auth/device/token', { grant_type: GRANT, device_code: deviceCode, client_id: 'aila-cli' });

  test('the device authorization response (§3.2)', async () => {
    const res = await start();
    assert.equal(res.status, 200);
    assert.equal(res.cache, 'no-store');
    assert.match(String(res.body.device_code), /^[A-Za-z0-9_-]{43}$/);
    assert.match(String(res.body.user_code), USER_CODE);
    assert.equal(res.body.verification_uri, `${PUBLIC_URL}/device`);
    assert.equal(res.body.verification_uri_complete, `${PUBLIC_URL}/device?user_code=${res.body.user_code}`);
    assert.equal(res.body.expires_in, 600);
    assert.equal(res.body.interval, 1);
    const row = await sso.app.db('device_codes').orderBy('created_at', 'desc').first();
    assert.notEqual(row.device_code_hash, res.body.device_code);
  });

  test('malformed requests get OAuth errors', async () => {
    assert.equal((await form('/auth/device/code', { scope: 'gateway' })).body.error, 'invalid_request');
    assert.equal((await form('/auth/device/code', { client_id: 'other' })).body.error, 'invalid_client');
    assert.equal((await start('gateway everything')).body.error, 'invalid_scope');
    const { body } = await start();
    const code = String(body.device_code);
    assert.equal(
      (await form('/auth/device/token', { grant_type: 'password', device_code: code, client_id: 'aila-cli' }))
        .body.error,
      'unsupported_grant_type',
    );
    assert.equal((await poll('not-a-device-code')).body.error, 'invalid_grant');
  });

  test('pending, slow_down, approval (CSRF-protected), the key, single use', async () => {
    const { body } = await start();
    const deviceCode = String(body.device_code);
    const userCode = String(body.user_code);
    assert.equal((await poll(deviceCode)).body.error, 'authorization_pending');
    // §3.5: polling faster than the interval is slow_down, and the interval grows by 5 seconds.
    const rows = sso.app.db('device_codes').where({ user_code: userCode.replace('-', '') });
    await rows.clone().update({ interval_seconds: 30 });
    assert.equal((await poll(deviceCode)).body.error, 'slow_down');
    assert.equal((await rows.clone().first()).interval_seconds, 35);
    await rows.clone().update({ interval_seconds: 1, last_polled_at: null });

    // The approval page: the code as typed (any case, no dash), then approve with the CSRF header.
    const shown = await developer.json<{ request: Record<string, unknown> }>(
      `/api/v1/device/${userCode.replace('-', '').toLowerCase()}`,
    );
    assert.equal(shown.request.user_code, userCode);
    assert.deepEqual(shown.request.scopes_granted, ['assistant', 'gateway']);
    const forged = await developer.fetch(`/api/v1/device/${userCode}/approve`, { method: 'POST' });
    assert.equal(await errorCode(forged), 'CSRF_FAILED');
    const approved = await developer.send('POST', `/api/v1/device/${userCode}/approve`);
    assert.equal(approved.status, 200);
    assert.equal(((await approved.json()) as { request: { status: string } }).request.status, 'approved');
    assert.equal(
      await errorCode(await developer.send('POST', `/api/v1/device/${userCode}/deny`)),
      'DEVICE_CODE_DECIDED',
    );

    const token = await poll(deviceCode);
    assert.equal(token.status, 200);
    assert.equal(token.cache, 'no-store');
    assert.match(String(token.body.access_token), /^aila_/);
    assert.equal(token.body.token_type, 'Bearer');
    assert.equal(token.body.expires_in, 12 * 3600);
    assert.equal(token.body.scope, 'assistant gateway');
    const me = await fetch(`${sso.app.url}/api/v1/me`, {
      headers: { authorization: `Bearer ${token.body.access_token}` },
    });
    const { auth } = (await me.json()) as { auth: { method: string; api_key_id: string; scopes: string[] } };
    assert.deepEqual(auth.scopes, ['assistant', 'gateway']);
    const key = await sso.app.db('api_keys').where({ id: auth.api_key_id }).first();
    const hours = (key.expires_at.getTime() - key.created_at.getTime()) / 3_600_000;
    assert.equal(Math.round(hours), 12);
    assert.equal((await poll(deviceCode)).body.error, 'invalid_grant');
    const audit = await sso.app
      .db('audit_events')
      .where({ action: 'auth.device_approved', outcome: 'success' });
    assert.equal(audit.length, 1);
  });

  test('the key gets the requested scopes the approving user may hold, no more', async () => {
    const { body } = await start('gateway admin');
    await developer.send('POST', `/api/v1/device/${body.user_code}/approve`);
    const token = await poll(String(body.device_code));
    assert.equal(token.body.scope, 'gateway');
  });

  test('denied, expired, and approval refused to an API key', async () => {
    const denied = await start();
    const deny = await developer.send('POST', `/api/v1/device/${denied.body.user_code}/deny`);
    assert.equal(((await deny.json()) as { request: { status: string } }).request.status, 'denied');
    assert.equal((await poll(String(denied.body.device_code))).body.error, 'access_denied');
    const audit = await sso.app
      .db('audit_events')
      .where({ action: 'auth.device_approved', outcome: 'denied' });
    assert.equal(audit.length, 1);

    const expired = await start();
    await sso.app
      .db('device_codes')
      .where({ user_code: String(expired.body.user_code).replace('-', '') })
      .update({ expires_at: new Date(Date.now() - 1000) });
    assert.equal((await poll(String(expired.body.device_code))).body.error, 'expired_token');
    assert.equal(
      await errorCode(await developer.fetch(`/api/v1/device/${expired.body.user_code}`)),
      'DEVICE_CODE_INVALID',
    );

    const pending = await start();
    const key = await developer.send('POST', '/api/v1/me/keys', { name: 'k', scopes: ['gateway'] });
    const { secret } = (await key.json()) as { secret: string };
    const byKey = await fetch(`${sso.app.url}/api/v1/device/${pending.body.user_code}/approve`, {
      method: 'POST',
      headers: { authorization: `Bearer ${secret}` },
    });
    assert.equal(byKey.status, 403);
  });

  test('aila login: prints the code, waits for approval, stores the key in credentials.json (0600)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aila-login-'));
    try {
      const lines: string[] = [];
      let announced: (code: string) => void = () => {};
      const codeShown = new Promise<string>((resolve) => {
        announced = resolve;
      });
      const done = login({
        url: sso.app.url,
        configDir: join(dir, 'aila'),
        print: (line) => {
          lines.push(line);
          const code = /enter the code (\S+)/.exec(line)?.[1];
          if (code) announced(code);
        },
      });
      const code = await codeShown;
      assert.match(code, USER_CODE);
      assert.equal(lines[0], `To sign in, open ${PUBLIC_URL}/device and enter the code ${code}`);
      assert.equal((await developer.send('POST', `/api/v1/device/${code}/approve`)).status, 200);
      const result = await done;
      assert.equal(result.credentialsPath, join(dir, 'aila', 'credentials.json'));
      assert.equal(statSync(result.credentialsPath).mode & 0o777, 0o600);
      assert.equal(statSync(join(dir, 'aila')).mode & 0o777, 0o700);
      const stored = JSON.parse(readFileSync(result.credentialsPath, 'utf8')) as {
        appliances: Record<string, { api_key: string; scopes: string[] }>;
      };
      const entry = stored.appliances[new URL(sso.app.url).origin];
      assert.deepEqual(entry?.scopes, ['assistant', 'gateway']);
      const me = await fetch(`${sso.app.url}/api/v1/me`, {
        headers: { authorization: `Bearer ${entry?.api_key}` },
      });
      assert.equal(me.status, 200);
      await assert.rejects(login({ url: 'http://ai-la.example.com', configDir: dir }), /https/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
