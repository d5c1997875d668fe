import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Knex } from 'knex';
import OpenAI from 'openai';
import { openMigratedTestDb } from '../../test/support/database.js';
import { createAuditModule } from '../audit/index.js';
import { startSimulator } from '../dev/simulator/index.js';
import { createAuditLogAppender } from '../evidence/index.js';
import type { BackendView } from './backends/backend.js';
import type { DnsResolver } from './backends/discovery.js';
import { type GatewayHarness, newCaller, startGateway, tokenFor } from './testing/harness.js';

const MODEL = 'ai-la/sim-coder-7b';
const messages = [{ role: 'user' as const, content: 'Write a TypeScript function' }];
const prompt = (i: number) => [{ role: 'user' as const, content: `Task ${i}: write a TypeScript function` }];
const admin = newCaller();

/** A DNS resolver whose answers the test sets. */
function fakeResolver(initial: string[]): DnsResolver & { answer: string[] | Error } {
  const resolver = {
    answer: initial as string[] | Error,
    resolve4: async () => {
      if (resolver.answer instanceof Error) throw resolver.answer;
      return resolver.answer.filter((a) => !a.includes(':'));
    },
    resolve6: async () => {
      if (resolver.answer instanceof Error) throw resolver.answer;
      const v6 = resolver.answer.filter((a) => a.includes(':'));
      if (v6.length === 0) throw Object.assign(new Error('queryAaaa ENODATA'), { code: 'ENODATA' });
      return v6;
    },
  };
  return resolver;
}

const errorWithCode = (code: string) => Object.assign(new Error(`query ${code}`), { code });

describe('gateway backends: failover, circuit breaker, discovery, drain', () => {
  let closeDb: () => Promise<void>;
  let db: Knex;
  const closers: Array<() => Promise<void>> = [];

  before(async () => {
    ({ db, close: closeDb } = await openMigratedTestDb(8));
  });
  after(async () => {
    for (const close of closers.reverse()) await close();
    await closeDb();
  });

  const sim = async (options: Parameters<typeof startSimulator>[0] = {}) => {
    const s = await startSimulator({ models: [MODEL], ...options });
    closers.push(() => s.close().catch(() => {})); // some tests close theirs early
    return s;
  };
  const gateway = async (config: Record<string, unknown>, dnsResolver?: DnsResolver) => {
    const g = await startGateway({
      db,
      config: { healthCheck: { intervalMs: 60000 }, ...config },
      ...(dnsResolver ? { dnsResolver } : {}),
    });
    closers.push(() => g.close());
    return g;
  };
  const openai = (g: GatewayHarness) =>
    new OpenAI({ baseURL: `${g.url}/v1`, apiKey: tokenFor(newCaller()), maxRetries: 0 });
  const backends = async (g: GatewayHarness) =>
    ((await (await g.fetchAs(admin, '/api/v1/admin/backends')).json()) as { data: BackendView[] }).data;

  test('a replica answering 503 is skipped: the call is retried on another one', async () => {
    const failing = await sim({ fault: { failRate: 1, status: 503 } });
    const healthy = await sim();
    const g = await gateway({
      backends: [
        { name: 'failing', url: failing.url },
        { name: 'healthy', url: healthy.url },
      ],
      circuitBreaker: { failureThreshold: 100 },
    });
    const client = openai(g);
    // Different prompts (prefix affinity pins one prompt to one replica) until one met the failing replica.
    let calls = 0;
    while (calls < 64 && failing.stats().injectedFailures === 0) {
      const answer = await client.chat.completions.create({ model: MODEL, messages: prompt(calls++) });
      assert.ok(answer.choices[0]?.message.content, 'every call is answered');
    }
    assert.ok(failing.stats().injectedFailures > 0, 'a call went to the failing replica first');
    assert.equal(
      healthy.stats().requests['/v1/chat/completions'],
      calls,
      'and was retried on the healthy one',
    );
    const metrics = await g.metrics.registry.metrics();
    assert.match(metrics, /aila_gateway_retries_total\{reason="status_503"\} [1-9]/);
  });

  test('connection refused: retried on another replica', async () => {
    const doomed = await sim();
    const healthy = await sim();
    const g = await gateway({
      backends: [
        { name: 'doomed', url: doomed.url },
        { name: 'healthy', url: healthy.url },
      ],
    });
    assert.equal((await backends(g)).filter((b) => b.up).length, 2);
    await doomed.close(); // still "up" until the next health check: calls meet a refused connection
    const client = openai(g);
    const retried = async () =>
      /aila_gateway_retries_total\{reason="connect"\} [1-9]/.test(await g.metrics.registry.metrics());
    let calls = 0;
    while (calls < 64 && !(await retried())) {
      await client.chat.completions.create({ model: MODEL, messages: prompt(calls++) });
    }
    assert.ok(await retried(), 'a call met the refused connection and was retried');
    assert.equal(
      healthy.stats().requests['/v1/chat/completions'],
      calls,
      'the live replica answered every call',
    );
  });

  test('the circuit breaker opens after repeated failures and closes again once the replica recovers', async () => {
    const flaky = await sim({ fault: { failRate: 1, status: 500 } });
    let now = Date.now();
    const g = await startGateway({
      db,
      clock: () => now,
      config: {
        backends: [{ name: 'flaky', url: flaky.url }],
        healthCheck: { intervalMs: 60000 },
        circuitBreaker: { failureThreshold: 2, openMs: 30000 },
      },
    });
    closers.push(() => g.close());
    const client = openai(g);
    const call = () => client.chat.completions.create({ model: MODEL, messages });
    for (let i = 0; i < 2; i++) {
      await assert.rejects(
        call(),
        (err: unknown) => err instanceof OpenAI.InternalServerError && err.status === 500,
      );
    }
    const [open] = await backends(g);
    assert.deepEqual([open?.circuit, open?.routable], ['open', false]);
    const seen = flaky.stats().requests['/v1/chat/completions'];
    await assert.rejects(call(), (err: unknown) => err instanceof OpenAI.APIError && err.status === 503);
    assert.equal(flaky.stats().requests['/v1/chat/completions'], seen, 'an open circuit sends nothing');
    assert.equal((await g.health.readiness()).checks.gateway?.status, 'failing');

    now += 30000; // half-open: one trial call; it fails, so the circuit opens again
    assert.equal((await backends(g))[0]?.circuit, 'half_open');
    await assert.rejects(call(), (err: unknown) => err instanceof OpenAI.InternalServerError);
    assert.equal((await backends(g))[0]?.circuit, 'open');

    flaky.setFault({});
    now += 30000; // the next trial succeeds and closes the circuit
    await call();
    const [closed] = await backends(g);
    assert.deepEqual([closed?.circuit, closed?.routable], ['closed', true]);
    assert.equal((await g.health.readiness()).checks.gateway?.status, 'ok');
  });

  test('DNS discovery: every A/AAAA record is a replica; changes are followed; failures keep the set', async () => {
    const first = await sim({ host: '127.0.0.1' });
    const second = await sim({ host: '127.0.0.2', port: first.port });
    const resolver = fakeResolver(['127.0.0.1', '127.0.0.2']);
    const g = await gateway(
      { backends: [{ name: 'vllm', dns: { name: 'vllm.ml.svc.cluster.local', port: first.port } }] },
      resolver,
    );
    const ids = async () => (await backends(g)).map((b) => `${b.id} ${b.up}`).sort();
    assert.deepEqual(await ids(), [`vllm@127.0.0.1:${first.port} true`, `vllm@127.0.0.2:${first.port} true`]);
    const client = openai(g);
    const served = () => [first, second].map((s) => s.stats().requests['/v1/chat/completions']);
    // Prefix affinity spreads different prompts over the replicas; both must get some.
    for (let i = 0; i < 64 && served().includes(0); i++) {
      await client.chat.completions.create({ model: MODEL, messages: prompt(i), max_tokens: 4 });
    }
    assert.ok(!served().includes(0), `both replicas serve calls (${served().join(', ')})`);

    resolver.answer = ['127.0.0.2'];
    await g.module.service.refresh();
    assert.deepEqual(await ids(), [`vllm@127.0.0.2:${first.port} true`]);

    resolver.answer = errorWithCode('ESERVFAIL');
    await g.module.service.refresh();
    assert.deepEqual(
      await ids(),
      [`vllm@127.0.0.2:${first.port} true`],
      'a DNS failure keeps the known replicas',
    );

    resolver.answer = errorWithCode('ENOTFOUND');
    await g.module.service.refresh();
    assert.deepEqual(await ids(), [], 'a name without records has no replicas');
    await assert.rejects(
      client.chat.completions.create({ model: MODEL, messages }),
      (err: unknown) => err instanceof OpenAI.NotFoundError,
    );
  });

  test('drain and re-enable through the admin API, shared by every appliance replica', async () => {
    const a = await sim();
    const b = await sim();
    const config = {
      backends: [
        { name: 'a', url: a.url, labels: { gpu: 'a100' } },
        { name: 'b', url: b.url, apiKey: 'never-shown' },
      ],
    };
    const audit = (await createAuditModule({ db, appender: createAuditLogAppender() })).service;
    const one = await startGateway({ db, audit, config: { healthCheck: { intervalMs: 60000 }, ...config } });
    closers.push(() => one.close());
    const two = await gateway(config);
    const drained = await one.fetchAs(admin, '/api/v1/admin/backends/a/drain', {
      method: 'POST',
      body: JSON.stringify({ reason: 'GPU maintenance' }),
    });
    assert.equal(drained.status, 200);
    assert.equal(((await drained.json()) as { data: BackendView[] }).data[0]?.drained, true);
    await two.module.service.refresh(); // the other replica reads the drain state with its health round
    const listed = await backends(two);
    assert.deepEqual(
      listed.map((v) => [v.id, v.drained, v.routable]),
      [
        ['a', true, false],
        ['b', false, true],
      ],
    );
    assert.deepEqual(listed[0]?.labels, { gpu: 'a100' });
    assert.doesNotMatch(JSON.stringify(listed), /never-shown/);
    const before = a.stats().requests['/v1/chat/completions'];
    const client = openai(two);
    for (let i = 0; i < 3; i++)
      await client.chat.completions.create({ model: MODEL, messages, max_tokens: 4 });
    assert.equal(a.stats().requests['/v1/chat/completions'], before, 'nothing goes to a drained replica');

    assert.equal(
      (await one.fetchAs(admin, '/api/v1/admin/backends/a/enable', { method: 'POST' })).status,
      200,
    );
    await two.module.service.refresh();
    assert.equal(
      (await backends(two)).every((v) => v.routable),
      true,
    );
    const unknown = await one.fetchAs(admin, '/api/v1/admin/backends/zzz/drain', {
      method: 'POST',
      body: '{}',
    });
    assert.equal(unknown.status, 404);
    const events = (await db('audit_events')
      .where({ action: 'backend.updated', target_id: 'a' })
      .orderBy('ts')
      .select('actor_id', 'event')) as Array<{
      actor_id: string;
      event: { details: Record<string, string> };
    }>;
    assert.deepEqual(
      events.map((e) => [e.actor_id, e.event.details.change]),
      [
        [admin.userId, 'drained'],
        [admin.userId, 'enabled'],
      ],
    );
    assert.equal(events[0]?.event.details.reason, 'GPU maintenance');
  });

  test('backends without configured models serve what GET /v1/models reports', async () => {
    const s = await sim({ models: ['org/model-a', 'org/model-b'] });
    const g = await gateway({ backends: [{ name: 's', url: s.url }] });
    const [view] = await backends(g);
    assert.deepEqual(view?.models, ['org/model-a', 'org/model-b']);
    const configured = await gateway({ backends: [{ name: 's', url: s.url, models: ['org/model-a'] }] });
    const ids: string[] = [];
    for await (const m of openai(configured).models.list()) ids.push(m.id);
    assert.deepEqual(ids, ['org/model-a']);
  });

  test('readiness fails when no replica is healthy', async () => {
    const s = await sim({ fault: { healthy: false } });
    const g = await gateway({ backends: [{ name: 's', url: s.url }] });
    const readiness = await g.health.readiness();
    assert.equal(readiness.checks.gateway?.status, 'failing');
    const [view] = await backends(g);
    assert.equal(view?.up, false);
    assert.match(view?.last_error ?? '', /GET \/health answered 503/);
  });
});
