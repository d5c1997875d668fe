import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Knex } from 'knex';
import OpenAI from 'openai';
import { openMigratedTestDb } from '../../test/support/database.js';
import { type RunningSimulator, startSimulator } from '../dev/simulator/index.js';
import { canonicalBytes } from '../evidence/core/jcs.js';
import {
  type GatewayHarness,
  type MemoryRecorder,
  memoryRecorder,
  newCaller,
  sha256,
  startGateway,
  tokenFor,
} from './testing/harness.js';

const MODEL = 'ai-la/sim-coder-7b';
const EMBEDDER = 'ai-la/sim-embed';

describe('gateway: OpenAI-compatible API through the real openai client', () => {
  let closeDb: () => Promise<void>;
  let db: Knex;
  let sim: RunningSimulator;
  let gateway: GatewayHarness;
  let recorder: MemoryRecorder;
  let client: OpenAI;
  const caller = newCaller();

  before(async () => {
    ({ db, close: closeDb } = await openMigratedTestDb(8));
    sim = await startSimulator({ models: [MODEL, EMBEDDER] });
    recorder = memoryRecorder();
    gateway = await startGateway({
      db,
      evidence: recorder,
      config: {
        backends: [{ name: 'sim', url: sim.url }],
        aliases: { coder: MODEL },
        healthCheck: { intervalMs: 60000 },
      },
    });
    client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: tokenFor(caller), maxRetries: 0 });
  });
  after(async () => {
    await gateway.close();
    await sim.close();
    await closeDb();
  });

  test('non-streaming chat: content, usage, receipt member and x-tecp-receipt-id header', async () => {
    const messages = [{ role: 'user' as const, content: 'Write a TypeScript function that adds numbers' }];
    const { data, response } = await client.chat.completions
      .create({ model: MODEL, messages })
      .withResponse();
    assert.equal(data.object, 'chat.completion');
    assert.match(data.choices[0]?.message.content ?? '', /```ts/);
    assert.ok((data.usage?.prompt_tokens ?? 0) > 0);
    assert.ok((data.usage?.completion_tokens ?? 0) > 0);
    const receipt = (data as unknown as { tecp_receipt: { output_hash: string } }).tecp_receipt;
    assert.ok(receipt, 'tecp_receipt member');
    const requestId = response.headers.get('x-request-id') ?? '';
    assert.match(response.headers.get('x-tecp-receipt-id') ?? '', /^pending-\d+$/);
    const op = await recorder.waitFor(requestId);
    assert.equal(op.op, 'chat_completions');
    assert.equal(op.status, 'ok');
    assert.equal(op.subject, caller.userId);
    assert.equal(op.team, caller.teamId);
    assert.equal(op.model, MODEL);
    assert.equal(op.backend, 'sim');
    assert.equal(op.promptTokens, data.usage?.prompt_tokens);
    assert.equal(op.completionTokens, data.usage?.completion_tokens);
  });

  test('receipt hashes follow EVIDENCE.md §1: JCS of the request, JCS of the answer without tecp_receipt', async () => {
    const body = {
      model: 'coder',
      messages: [{ role: 'user', content: 'héllo ☃' }],
      temperature: 0.5,
      max_tokens: 8,
    };
    const res = await gateway.fetchAs(caller, '/v1/chat/completions', {
      method: 'POST',
      body: JSON.stringify(body),
    });
    assert.equal(res.status, 200);
    const answer = (await res.json()) as Record<string, unknown>;
    const op = await recorder.waitFor(res.headers.get('x-request-id') ?? '');
    assert.deepEqual(op.inputHash, sha256(canonicalBytes(body)));
    const { tecp_receipt: receipt, ...rest } = answer;
    assert.deepEqual(op.outputHash, sha256(canonicalBytes(rest)));
    assert.equal((receipt as { output_hash: string }).output_hash, op.outputHash.toString('base64url'));
    assert.equal(op.model, 'coder', 'the receipt names the model as requested');
    assert.equal(answer.model, MODEL, 'the alias was resolved for the backend');
  });

  test('streaming chat: content, usage on request only, receipt event before [DONE]', async () => {
    const messages = [{ role: 'user' as const, content: 'Write a Python function that reverses a list' }];
    const stream = await client.chat.completions.create({ model: MODEL, messages, stream: true });
    let content = '';
    const objects: string[] = [];
    for await (const chunk of stream) {
      objects.push(chunk.object);
      content += chunk.choices?.[0]?.delta?.content ?? '';
      assert.equal(chunk.usage ?? null, null, 'no usage chunk unless asked for');
    }
    assert.match(content, /```python/);
    assert.equal(objects.at(-1), 'tecp.receipt', 'the receipt is the last event');
    assert.equal(objects.filter((o) => o === 'tecp.receipt').length, 1);

    const withUsage = await client.chat.completions.create({
      model: MODEL,
      messages,
      stream: true,
      stream_options: { include_usage: true },
    });
    let usage: OpenAI.CompletionUsage | undefined | null;
    for await (const chunk of withUsage) if (chunk.usage) usage = chunk.usage;
    assert.ok((usage?.completion_tokens ?? 0) > 0);
  });

  test('streaming output hash covers exactly the bytes before the receipt event', async () => {
    const body = {
      model: MODEL,
      messages: [{ role: 'user', content: 'hash me' }],
      stream: true,
      max_tokens: 12,
    };
    const res = await gateway.fetchAs(caller, '/v1/chat/completions', {
      method: 'POST',
      body: JSON.stringify(body),
    });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/event-stream/);
    const text = Buffer.from(await res.arrayBuffer()).toString('utf8');
    const receiptAt = text.indexOf('data: {"object":"tecp.receipt"');
    assert.ok(receiptAt > 0);
    assert.ok(text.endsWith('\n\ndata: [DONE]\n\n'));
    const receiptEvent = text.slice(receiptAt, text.length - 'data: [DONE]\n\n'.length);
    assert.ok(receiptEvent.endsWith('\n\n'));
    const op = await recorder.waitFor(res.headers.get('x-request-id') ?? '');
    assert.deepEqual(op.outputHash, sha256(Buffer.from(text.slice(0, receiptAt), 'utf8')));
    assert.ok(op.promptTokens > 0 && op.completionTokens > 0, 'usage known from the upstream usage chunk');
    assert.doesNotMatch(
      text.slice(0, receiptAt),
      /"usage":\{/,
      'the usage chunk the client did not ask for is gone',
    );
  });

  test('completions (plain and streaming), embeddings and models', async () => {
    const completion = await client.completions.create({
      model: MODEL,
      prompt: 'def fib(n):',
      max_tokens: 16,
    });
    assert.ok((completion.choices[0]?.text ?? '').length > 0);
    assert.ok((completion as unknown as { tecp_receipt?: unknown }).tecp_receipt);
    const stream = await client.completions.create({
      model: 'coder',
      prompt: 'def fib(n):',
      max_tokens: 16,
      stream: true,
    });
    let text = '';
    for await (const chunk of stream) text += chunk.choices?.[0]?.text ?? '';
    assert.ok(text.length > 0);

    const embedding = await client.embeddings.create({ model: EMBEDDER, input: ['one', 'two'] });
    assert.equal(embedding.data.length, 2);
    assert.equal(embedding.data[0]?.embedding.length, 384);
    assert.ok((embedding.usage?.prompt_tokens ?? 0) > 0);

    const models: string[] = [];
    for await (const model of client.models.list()) models.push(model.id);
    assert.deepEqual(models.sort(), [EMBEDDER, MODEL, 'coder'].sort());
    const one = await client.models.retrieve(MODEL);
    assert.equal(one.id, MODEL);
  });

  test('errors keep OpenAI shape: unknown model, invalid body, backend 400 passed through', async () => {
    await assert.rejects(
      client.chat.completions.create({ model: 'nope', messages: [{ role: 'user', content: 'x' }] }),
      (err: unknown) => err instanceof OpenAI.NotFoundError && err.code === 'model_not_found',
    );
    const invalid = await gateway.fetchAs(caller, '/v1/chat/completions', {
      method: 'POST',
      body: JSON.stringify({ model: MODEL }),
    });
    assert.equal(invalid.status, 400);
    const problem = (await invalid.json()) as { error: { message: string; type: string } };
    assert.equal(problem.error.type, 'invalid_request_error');
    assert.match(problem.error.message, /messages is required/);
    await assert.rejects(
      client.chat.completions.create({
        model: MODEL,
        messages: [{ role: 'user', content: 'x' }],
        max_tokens: 10_000_000,
      }),
      (err: unknown) => err instanceof OpenAI.BadRequestError && /maximum context length/.test(err.message),
    );
    const unauthenticated = await fetch(`${gateway.url}/v1/models`);
    assert.equal(unauthenticated.status, 401);
  });

  test('a client that disconnects cancels the upstream request', async () => {
    sim.setLatency({ firstTokenMs: 0, interTokenMs: 30 });
    try {
      const before = sim.stats().clientAborts;
      const stream = await client.chat.completions.create({
        model: MODEL,
        messages: [{ role: 'user', content: 'Write a long Go program' }],
        stream: true,
        max_tokens: 2000,
      });
      let requestId = '';
      for await (const chunk of stream) {
        requestId = chunk.id;
        if ((chunk.choices?.[0]?.delta?.content ?? '').length > 0) break; // leaving the loop aborts
      }
      assert.ok(requestId);
      await sim.waitForIdle();
      assert.equal(sim.stats().inFlight, 0);
      assert.equal(sim.stats().clientAborts, before + 1);
      const cancelled = await waitUntil(() => recorder.operations.find((o) => o.status === 'cancelled'));
      assert.equal(cancelled.backend, 'sim');
      assert.equal(cancelled.promptTokens, 0, 'unknown usage is 0 in the receipt');
    } finally {
      sim.setLatency({ firstTokenMs: 0, interTokenMs: 0 });
    }
  });

  test('a call cancelled before its first byte is receipted with the hash of nothing written', async () => {
    sim.setLatency({ firstTokenMs: 2000, interTokenMs: 0 });
    try {
      const aborter = new AbortController();
      const pending = gateway
        .fetchAs(caller, '/v1/chat/completions', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: 'never mind' }] }),
          signal: aborter.signal,
        })
        .catch((err: unknown) => err);
      await new Promise((r) => setTimeout(r, 200));
      aborter.abort();
      await pending;
      const cancelled = await waitUntil(() =>
        recorder.operations.find(
          (o) => o.status === 'cancelled' && o.outputHash.equals(sha256(Buffer.alloc(0))),
        ),
      );
      assert.equal(cancelled.outputHash.length, 32, 'a SHA-256 digest, as every receipt verifier requires');
    } finally {
      sim.setLatency({ firstTokenMs: 0, interTokenMs: 0 });
    }
  });

  test('a backend that cuts the stream ends it with an OpenAI error event, receipt and [DONE]', async () => {
    sim.setFault({ disconnectAfterChunks: 3 });
    try {
      const body = { model: MODEL, messages: [{ role: 'user', content: 'cut me' }], stream: true };
      const res = await gateway.fetchAs(caller, '/v1/chat/completions', {
        method: 'POST',
        body: JSON.stringify(body),
      });
      const text = await res.text();
      assert.match(
        text,
        /data: \{"error":\{"message":"The model backend failed to answer\.","type":"server_error"/,
      );
      assert.match(text, /"tecp\.receipt"/);
      assert.ok(text.endsWith('data: [DONE]\n\n'));
      const op = await recorder.waitFor(res.headers.get('x-request-id') ?? '');
      assert.equal(op.status, 'error');
    } finally {
      sim.setFault({});
    }
  });

  test('when the receipt cannot be recorded the result is withheld', async () => {
    recorder.failing = true;
    try {
      await assert.rejects(
        client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'x' }] }),
        (err: unknown) => err instanceof OpenAI.APIError && err.status === 503,
      );
    } finally {
      recorder.failing = false;
    }
  });

  test('metrics: requests, time to first token, backend up, in flight', async () => {
    const text = await gateway.metrics.registry.metrics();
    assert.match(
      text,
      /aila_gateway_requests_total\{model="ai-la\/sim-coder-7b",backend="sim",status="ok"\} \d+/,
    );
    assert.match(text, /aila_gateway_time_to_first_token_seconds_count\{model="ai-la\/sim-coder-7b"\} \d+/);
    assert.match(text, /aila_gateway_backend_up\{backend="sim",model="ai-la\/sim-coder-7b"\} 1/);
    assert.match(text, /aila_gateway_in_flight_requests\{backend="sim"\} 0/);
    const readiness = await gateway.health.readiness();
    assert.equal(readiness.checks.gateway?.status, 'ok');
  });
});

/** Polls `probe` until it returns a value (no timing assertions: the test runner's timeout bounds it). */
async function waitUntil<T>(probe: () => T | undefined): Promise<T> {
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
