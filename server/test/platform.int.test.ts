import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestAppliance, type TestAppliance } from './support/appliance.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('HTTP platform', () => {
  let app: TestAppliance;
  before(async () => {
    app = await startTestAppliance({ AILA_SERVER_JSON_BODY_LIMIT: '1kb' });
  });
  after(() => app.stop());

  test('GET /livez and /readyz report the database check', async () => {
    const live = await fetch(`${app.url}/livez`);
    assert.equal(live.status, 200);
    assert.deepEqual(await live.json(), { status: 'ok' });
    const ready = await fetch(`${app.url}/readyz`);
    assert.equal(ready.status, 200);
    const body = (await ready.json()) as { status: string; checks: { database: { status: string } } };
    assert.equal(body.status, 'ready');
    assert.equal(body.checks.database.status, 'ok');
  });

  test('x-request-id: a caller UUID is kept, anything else is replaced', async () => {
    const mine = '0b5c3a7e-8f1d-4c2b-9a6e-5d4c3b2a1f00';
    const kept = await fetch(`${app.url}/livez`, { headers: { 'x-request-id': mine } });
    assert.equal(kept.headers.get('x-request-id'), mine);
    const replaced = await fetch(`${app.url}/livez`, { headers: { 'x-request-id': 'not-a-uuid<script>' } });
    assert.match(replaced.headers.get('x-request-id') ?? '', UUID);
  });

  test('security headers: strict CSP, no sniffing, no framing, no x-powered-by', async () => {
    const res = await fetch(`${app.url}/`);
    const csp = res.headers.get('content-security-policy') ?? '';
    assert.match(csp, /default-src 'self'/);
    assert.match(csp, /script-src 'self'(;|$)/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.match(csp, /object-src 'none'/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(res.headers.get('x-frame-options'), 'SAMEORIGIN');
    assert.equal(res.headers.get('x-powered-by'), null);
  });

  test('unknown routes: 404 with a stable code and the request id', async () => {
    const res = await fetch(`${app.url}/api/v1/nope`);
    assert.equal(res.status, 404);
    const body = (await res.json()) as { error: { code: string; request_id: string } };
    assert.equal(body.error.code, 'ROUTE_NOT_FOUND');
    assert.equal(body.error.request_id, res.headers.get('x-request-id'));
  });

  test('malformed JSON: 400 MALFORMED_JSON; oversized: 413; OpenAI routes keep OpenAI error shape', async () => {
    const post = (path: string, body: string) =>
      fetch(`${app.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const malformed = await post('/api/v1/anything', '{"a":');
    assert.equal(malformed.status, 400);
    assert.equal(((await malformed.json()) as { error: { code: string } }).error.code, 'MALFORMED_JSON');
    const large = await post('/api/v1/anything', JSON.stringify({ text: 'x'.repeat(4096) }));
    assert.equal(large.status, 413);
    assert.equal(((await large.json()) as { error: { code: string } }).error.code, 'PAYLOAD_TOO_LARGE');
    const openai = await post('/v1/chat/completions', '{oops');
    assert.equal(openai.status, 400);
    assert.deepEqual(await openai.json(), {
      error: {
        message: 'The request body is not valid JSON.',
        type: 'invalid_request_error',
        param: null,
        code: 'malformed_json',
      },
    });
  });

  test('one log line per request with status, duration, request id; no secrets', async () => {
    const res = await fetch(`${app.url}/livez?code=oauth-code-123`, {
      headers: { authorization: 'Bearer aila_supersecret', cookie: '__Host-aila=sessionsecret' },
    });
    const id = res.headers.get('x-request-id');
    await res.arrayBuffer();
    await new Promise((r) => setTimeout(r, 50));
    const lines = app.logs.filter((l) => l.requestId === id);
    assert.equal(lines.length, 1);
    const [line] = lines;
    assert.equal(line?.msg, 'request completed');
    assert.equal(line?.status, 200);
    assert.equal(line?.path, '/livez');
    assert.equal(typeof line?.ms, 'number');
    const everything = JSON.stringify(app.logs);
    for (const secret of ['aila_supersecret', 'sessionsecret', 'oauth-code-123']) {
      assert.ok(!everything.includes(secret), `${secret} leaked into the logs`);
    }
  });

  test('Prometheus metrics on their own port, by route pattern', async () => {
    assert.ok(app.metricsUrl);
    await fetch(`${app.url}/api/v1/version`);
    const text = await (await fetch(`${app.metricsUrl}/metrics`)).text();
    assert.match(
      text,
      /aila_http_requests_total\{method="GET",route="\/api\/v1\/version",status="200"\} \d+/,
    );
    assert.match(text, /aila_http_request_duration_seconds_bucket/);
    assert.match(text, /aila_process_cpu_user_seconds_total/);
    assert.equal((await fetch(`${app.url}/metrics`)).status, 404);
  });
});
