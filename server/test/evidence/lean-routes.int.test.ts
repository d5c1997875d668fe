import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { createAuditModule } from '../../src/audit/index.js';
import { createAuditLogAppender } from '../../src/evidence/index.js';
import { issueBootstrapToken } from '../../src/identity/local/bootstrap.js';
import { startTestAppliance, type TestAppliance } from '../support/appliance.js';

/**
 * The proof and checkpoint reads are served before the Express stack; what a client sees must not
 * differ from any other route: security headers, request id, error codes and bodies, metrics.
 */
describe('public log reads on the lean path', () => {
  let app: TestAppliance;
  before(async () => {
    app = await startTestAppliance();
    // A bootstrap sign-in is audited by the appliance: the audit log gets entries and a checkpoint.
    const { service } = await createAuditModule({ db: app.db, appender: createAuditLogAppender() });
    const { token } = await issueBootstrapToken(app.db, service, {});
    await fetch(`${app.url}/auth/bootstrap?token=${token}`, { redirect: 'manual' });
    for (let i = 0; i < 200; i++) {
      const res = await fetch(`${app.url}/log/audit/checkpoint`);
      if (res.status === 200 && (await res.text()).split('\n')[1] !== '0') return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('no audit checkpoint');
  });
  after(() => app.stop());

  /** Headers every response carries whatever the route (helmet's among them). */
  const SKIP = [
    'date',
    'content-type',
    'content-length',
    'x-request-id',
    'cache-control',
    'keep-alive',
    'connection',
  ];
  const common = (res: Response) => {
    const headers: Record<string, string> = {};
    res.headers.forEach((value, name) => {
      if (!SKIP.includes(name)) headers[name] = value;
    });
    return headers;
  };

  test('same security headers as the Express routes, and a request id', async () => {
    const express = await fetch(`${app.url}/api/v1/version`);
    const lean = await fetch(`${app.url}/api/v1/tecp/proof?log=audit&index=0`);
    assert.equal(lean.status, 200);
    assert.ok(common(express)['content-security-policy']);
    assert.deepEqual(common(lean), common(express));
    assert.match(lean.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
    const id = randomUUID();
    const echoed = await fetch(`${app.url}/log/audit/checkpoint`, { headers: { 'x-request-id': id } });
    assert.equal(echoed.headers.get('x-request-id'), id);
    assert.deepEqual(common(echoed), common(express));
  });

  test('tlog-proof text by default, JSON when asked; HEAD is answered by the Express route', async () => {
    const text = await fetch(`${app.url}/api/v1/tecp/proof?log=audit&index=0`);
    assert.equal(text.headers.get('content-type'), 'text/plain; charset=utf-8');
    assert.equal(text.headers.get('cache-control'), 'no-store');
    const body = await text.text();
    assert.match(body, /^c2sp\.org\/tlog-proof@v1\nindex 0\n/);
    const json = await fetch(`${app.url}/api/v1/tecp/proof?log=audit&index=0`, {
      headers: { accept: 'application/json' },
    });
    const proof = (await json.json()) as { index: number; size: number; checkpoint: string };
    assert.equal(proof.index, 0);
    assert.ok(body.endsWith(proof.checkpoint));
    const head = await fetch(`${app.url}/api/v1/tecp/proof?log=audit&index=0`, { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.deepEqual(common(head), common(text));
    const checkpoint = await fetch(`${app.url}/log/audit/checkpoint`);
    assert.equal(checkpoint.headers.get('cache-control'), 'public, max-age=1');
    assert.equal((await checkpoint.text()).split('\n')[0]?.endsWith('/ai-la/audit'), true);
  });

  test('bad input gets the catalogue error in the appliance error body', async () => {
    const bad = await fetch(`${app.url}/api/v1/tecp/proof?log=nope&index=-1&extra=1`);
    assert.equal(bad.status, 400);
    const body = (await bad.json()) as { error: { code: string; details: unknown[]; request_id: string } };
    assert.equal(body.error.code, 'VALIDATION_FAILED');
    assert.ok(body.error.details.length >= 2);
    assert.equal(body.error.request_id, bad.headers.get('x-request-id'));
    const missing = await fetch(`${app.url}/api/v1/tecp/proof?log=audit&index=999999`);
    assert.equal(missing.status, 404);
    assert.equal(((await missing.json()) as { error: { code: string } }).error.code, 'NOT_FOUND');
    const empty = await fetch(`${app.url}/api/v1/tecp/proof?log=receipts&index=0`);
    assert.equal(empty.status, 404);
  });

  test('counted in the request metrics under the route pattern', async () => {
    await fetch(`${app.url}/api/v1/tecp/proof?log=audit&index=0`);
    const metrics = await (await fetch(`${app.metricsUrl}/metrics`)).text();
    assert.match(
      metrics,
      /aila_http_requests_total\{method="GET",route="\/api\/v1\/tecp\/proof",status="200"\} [1-9]/,
    );
    assert.match(
      metrics,
      /aila_http_requests_total\{method="GET",route="\/log\/:log\/checkpoint",status="200"\} [1-9]/,
    );
  });
});
