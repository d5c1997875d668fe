import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { Knex } from 'knex';
import { openMigratedTestDb } from '../../test/support/database.js';
import { type RunningSimulator, startSimulator } from '../dev/simulator/index.js';
import { type GatewayHarness, memoryRecorder, newCaller, startGateway } from './testing/harness.js';

const MODEL = 'ai-la/sim-coder-7b';
const EMBEDDER = 'ai-la/sim-embed';

/** Status, body (receipt and generated ids aside) and headers of one answer. */
async function answer(res: Response) {
  const text = await res.text();
  let body: unknown = text;
  try {
    const parsed = JSON.parse(text) as Record<string, unknown>;
    const { id: _id, created: _created, tecp_receipt: receipt, ...rest } = parsed;
    body = { ...rest, receipt: receipt !== undefined };
  } catch {
    // Not JSON (an SSE stream): compared as text.
  }
  return { status: res.status, body, headers: res.headers };
}

describe('gateway: the lean path answers as the Express path does', () => {
  let closeDb: () => Promise<void>;
  let db: Knex;
  let sim: RunningSimulator;
  let lean: GatewayHarness;
  let express: GatewayHarness;
  const caller = newCaller();

  before(async () => {
    ({ db, close: closeDb } = await openMigratedTestDb(8));
    sim = await startSimulator({ models: [MODEL, EMBEDDER] });
    const config = { backends: [{ name: 'sim', url: sim.url }], healthCheck: { intervalMs: 60000 } };
    lean = await startGateway({ db, evidence: memoryRecorder(), config });
    express = await startGateway({ db, evidence: memoryRecorder(), config, lean: false });
  });
  after(async () => {
    await lean.close();
    await express.close();
    await sim.close();
    await closeDb();
  });

  /** The same request on both paths: the lean answer, then Express's. */
  const both = async (path: string, init: RequestInit) => {
    const [viaLean, viaExpress] = await Promise.all([
      lean.fetchAs(caller, path, init).then(answer),
      express.fetchAs(caller, path, init).then(answer),
    ]);
    return [viaLean, viaExpress] as const;
  };

  const chat = JSON.stringify({
    model: MODEL,
    messages: [{ role: 'user', content: 'Say hi' }],
    max_tokens: 4,
  });

  test('completions and embeddings: same status and body, with a receipt', async () => {
    for (const [path, body] of [
      ['/v1/chat/completions', chat],
      ['/v1/completions', JSON.stringify({ model: MODEL, prompt: 'def add(a, b):', max_tokens: 4 })],
      ['/v1/embeddings', JSON.stringify({ model: EMBEDDER, input: 'hello' })],
    ] as const) {
      const [viaLean, viaExpress] = await both(path, { method: 'POST', body });
      assert.equal(viaLean.status, 200, path);
      assert.deepEqual(viaLean.body, viaExpress.body, path);
      assert.equal((viaLean.body as { receipt: boolean }).receipt, true, path);
      assert.ok(viaLean.headers.get('x-tecp-receipt-id'), path);
    }
  });

  test('a stream ends with its receipt event and [DONE]', async () => {
    const body = JSON.stringify({ ...JSON.parse(chat), stream: true });
    const [viaLean, viaExpress] = await both('/v1/chat/completions', { method: 'POST', body });
    for (const viaEither of [viaLean, viaExpress]) {
      assert.equal(viaEither.status, 200);
      assert.match(viaEither.headers.get('content-type') ?? '', /^text\/event-stream/);
      assert.match(String(viaEither.body), /"object":"tecp.receipt".*\n\ndata: \[DONE\]\n\n$/s);
    }
  });

  test('refused bodies: same status, OpenAI error and code', async () => {
    const cases: Array<[string, RequestInit, number]> = [
      ['malformed JSON', { body: '{"model":' }, 400],
      ['not an object or array (strict)', { body: '"text"' }, 400],
      ['empty body', { body: '' }, 400],
      ['invalid against the schema', { body: JSON.stringify({ model: MODEL }) }, 400],
      [
        'unknown model',
        { body: JSON.stringify({ model: 'nope', messages: [{ role: 'user', content: 'x' }] }) },
        404,
      ],
      ['larger than the limit', { body: `{"model":"${'x'.repeat(4 * 1024 * 1024)}"}` }, 413],
      [
        'another media type (left to Express)',
        { body: chat, headers: { 'content-type': 'text/plain' } },
        400,
      ],
    ];
    for (const [what, init, status] of cases) {
      const [viaLean, viaExpress] = await both('/v1/chat/completions', { method: 'POST', ...init });
      assert.equal(viaLean.status, status, what);
      assert.deepEqual(viaLean.body, viaExpress.body, what);
      assert.match(viaLean.headers.get('content-type') ?? '', /^application\/json/, what);
    }
  });

  test('request id, security headers, metrics with the route, and no credentials left to Express', async () => {
    const id = randomUUID();
    const res = await lean.fetchAs(caller, '/v1/chat/completions', {
      method: 'POST',
      body: chat,
      headers: { 'x-request-id': id },
    });
    await res.text();
    assert.equal(res.headers.get('x-request-id'), id);
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    assert.match(res.headers.get('content-security-policy') ?? '', /default-src 'self'/);
    const metrics = await lean.metrics.registry.getSingleMetricAsString('aila_http_requests_total');
    assert.match(metrics, /route="\/v1\/chat\/completions",status="200"/);

    const anonymous = await fetch(`${lean.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: chat,
    });
    assert.equal(anonymous.status, 401);
    assert.equal(((await anonymous.json()) as { error: { code: string } }).error.code, 'unauthenticated');
  });
});
