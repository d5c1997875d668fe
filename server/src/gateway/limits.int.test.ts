import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Knex } from 'knex';
import OpenAI from 'openai';
import { openMigratedTestDb } from '../../test/support/database.js';
import { createAuditModule } from '../audit/index.js';
import { type RunningSimulator, startSimulator } from '../dev/simulator/index.js';
import { createAuditLogAppender } from '../evidence/index.js';
import type { Caller } from './limits/limiter.js';
import { type GatewayHarness, newCaller, startGateway, tokenFor } from './testing/harness.js';

const MODEL = 'ai-la/sim-coder-7b';
const admin = newCaller();

/** Fixed windows restart on the minute: begin a per-minute scenario well inside one. */
async function awayFromMinuteEdge(): Promise<void> {
  const intoMinute = Date.now() % 60_000;
  if (intoMinute > 45_000) await new Promise((resolve) => setTimeout(resolve, 60_000 - intoMinute + 100));
}

describe('gateway limits: quota plans, rate limits, budgets, concurrent streams across replicas', () => {
  let closeDb: () => Promise<void>;
  let db: Knex;
  let sim: RunningSimulator;
  let one: GatewayHarness;
  let two: GatewayHarness;

  before(async () => {
    ({ db, close: closeDb } = await openMigratedTestDb(8));
    sim = await startSimulator({ models: [MODEL] });
    const config = {
      backends: [{ name: 'sim', url: sim.url }],
      aliases: { coder: MODEL },
      healthCheck: { intervalMs: 60000 },
      limits: { planCacheMs: 0, exhaustedRecheckMs: 0 },
    };
    // Two appliance replicas sharing one database.
    one = await startGateway({
      db,
      config,
      audit: (await createAuditModule({ db, appender: createAuditLogAppender() })).service,
    });
    two = await startGateway({ db, config });
  });
  after(async () => {
    await one.close();
    await two.close();
    await sim.close();
    await closeDb();
  });

  const json = async <T>(res: Response) => (await res.json()) as T;
  const createPlan = async (plan: Record<string, unknown>) => {
    const res = await one.fetchAs(admin, '/api/v1/admin/quotas/plans', {
      method: 'POST',
      body: JSON.stringify(plan),
    });
    assert.equal(res.status, 201, await res.clone().text());
    return json<{ id: string }>(res);
  };
  const assign = async (type: string, id: string, planId: string) => {
    const res = await one.fetchAs(admin, `/api/v1/admin/quotas/assignments/${type}/${id}`, {
      method: 'PUT',
      body: JSON.stringify({ plan_id: planId }),
    });
    assert.equal(res.status, 200, await res.clone().text());
  };
  const chat = (g: GatewayHarness, caller: Caller, extra: Record<string, unknown> = {}) =>
    g.fetchAs(caller, '/v1/chat/completions', {
      method: 'POST',
      body: JSON.stringify({
        model: MODEL,
        messages: [{ role: 'user', content: 'hi' }],
        max_tokens: 8,
        ...extra,
      }),
    });

  test('plans admin API: create, read, update, assign, refuse deleting an assigned plan, unassign, delete', async () => {
    const plan = await createPlan({
      name: `gold-${Date.now()}`,
      requests_per_minute: 100,
      allowed_models: ['b', 'a'],
    });
    const got = await json<Record<string, unknown>>(
      await one.fetchAs(admin, `/api/v1/admin/quotas/plans/${plan.id}`),
    );
    assert.deepEqual(got.allowed_models, ['a', 'b']);
    assert.equal(got.tokens_per_day, null);
    const patched = await one.fetchAs(admin, `/api/v1/admin/quotas/plans/${plan.id}`, {
      method: 'PATCH',
      body: JSON.stringify({ tokens_per_day: 5000, allowed_models: null }),
    });
    assert.equal((await json<{ tokens_per_day: number }>(patched)).tokens_per_day, 5000);
    const subject = newCaller();
    await assign('team', subject.teamId, plan.id);
    const listed = await json<{ data: Array<{ plan_id: string; subject_type: string }> }>(
      await one.fetchAs(admin, `/api/v1/admin/quotas/assignments?subject_id=${subject.teamId}`),
    );
    assert.deepEqual(
      listed.data.map((a) => [a.subject_type, a.plan_id]),
      [['team', plan.id]],
    );
    const refused = await one.fetchAs(admin, `/api/v1/admin/quotas/plans/${plan.id}`, { method: 'DELETE' });
    assert.equal(refused.status, 409);
    const unassign = `/api/v1/admin/quotas/assignments/team/${subject.teamId}`;
    assert.equal((await one.fetchAs(admin, unassign, { method: 'DELETE' })).status, 204);
    assert.equal(
      (await one.fetchAs(admin, `/api/v1/admin/quotas/plans/${plan.id}`, { method: 'DELETE' })).status,
      204,
    );
    const invalid = await one.fetchAs(admin, '/api/v1/admin/quotas/plans', {
      method: 'POST',
      body: JSON.stringify({ name: 'x', requests_per_minute: -1, bogus: true }),
    });
    assert.equal(invalid.status, 400);
    const badType = await one.fetchAs(admin, `/api/v1/admin/quotas/assignments/group/${subject.userId}`, {
      method: 'PUT',
      body: JSON.stringify({ plan_id: plan.id }),
    });
    assert.equal(badType.status, 400);
    const audited = (await db('audit_events')
      .where({ action: 'quota.updated', actor_id: admin.userId })
      .orderBy('ts')
      .select('event')) as Array<{ event: { target: { type: string }; details: { change: string } } }>;
    assert.deepEqual(
      audited.map((e) => [e.event.target.type, e.event.details.change]),
      [
        ['quota_plan', 'plan_created'],
        ['quota_plan', 'plan_updated'],
        ['team', 'plan_assigned'],
        ['team', 'plan_unassigned'],
        ['quota_plan', 'plan_deleted'],
      ],
    );
  });

  test('requests per minute hold across two replicas: 429 with Retry-After and x-ratelimit headers', async () => {
    const plan = await createPlan({ name: `rpm-${Date.now()}`, requests_per_minute: 3 });
    const caller = newCaller();
    await assign('user', caller.userId, plan.id);
    await awayFromMinuteEdge();
    const statuses: number[] = [];
    let refused: Response | undefined;
    for (let i = 0; i < 6; i++) {
      const res = await chat(i % 2 === 0 ? one : two, caller);
      statuses.push(res.status);
      if (res.status === 200) {
        assert.equal(res.headers.get('x-ratelimit-limit-requests'), '3');
        assert.match(res.headers.get('x-ratelimit-reset-requests') ?? '', /^(\d+(\.\d+)?s|\d+ms)$/);
      } else refused ??= res;
      await res.arrayBuffer();
    }
    assert.deepEqual(statuses, [200, 200, 200, 429, 429, 429]);
    assert.ok(refused);
    const retryAfter = Number(refused.headers.get('retry-after'));
    assert.ok(retryAfter >= 1 && retryAfter <= 60);
    assert.equal(refused.headers.get('x-ratelimit-remaining-requests'), '0');
    const error = (await chat(two, caller).then((r) => r.json())) as {
      error: { type: string; code: string };
    };
    assert.deepEqual([error.error.type, error.error.code], ['rate_limit_error', 'rate_limited']);
    const client = new OpenAI({ baseURL: `${two.url}/v1`, apiKey: tokenFor(caller), maxRetries: 0 });
    await assert.rejects(
      client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'x' }] }),
      (err: unknown) => err instanceof OpenAI.RateLimitError,
    );
  });

  test('a team token budget per day is shared by its members on every replica', async () => {
    const plan = await createPlan({ name: `budget-${Date.now()}`, tokens_per_day: 120 });
    const teamId = newCaller().teamId;
    await assign('team', teamId, plan.id);
    const alice = newCaller({ teamId });
    const bob = newCaller({ teamId });
    let spent = 0;
    let refused: Response | undefined;
    for (let i = 0; i < 20 && !refused; i++) {
      const res = await chat(i % 2 === 0 ? one : two, i % 2 === 0 ? alice : bob);
      if (res.status === 429) refused = res;
      else {
        const body = (await res.json()) as { usage: { total_tokens: number } };
        spent += body.usage.total_tokens;
      }
    }
    assert.ok(refused, 'the budget ran out');
    assert.ok(spent >= 120, `spent ${spent} before the refusal`);
    const error = (await refused.json()) as { error: { code: string; message: string } };
    assert.equal(error.error.code, 'quota_exceeded');
    assert.match(error.error.message, /120 tokens per day/);
    assert.ok(Number(refused.headers.get('retry-after')) >= 1);
    const outsider = newCaller();
    assert.equal((await chat(one, outsider)).status, 200, 'other teams are not affected');
  });

  test('concurrent streams are limited across replicas; non-streaming calls are not', async () => {
    const plan = await createPlan({ name: `streams-${Date.now()}`, max_concurrent_streams: 1 });
    const caller = newCaller();
    await assign('api_key', caller.apiKeyId ?? '', plan.id);
    sim.setLatency({ firstTokenMs: 0, interTokenMs: 20 });
    try {
      const first = await chat(one, caller, { stream: true, max_tokens: 1000 });
      assert.equal(first.status, 200);
      const reader = first.body?.getReader();
      await reader?.read();
      const second = await chat(two, caller, { stream: true });
      assert.equal(second.status, 429);
      assert.match(
        ((await second.json()) as { error: { message: string } }).error.message,
        /concurrent streams/,
      );
      const plain = await chat(two, caller);
      assert.equal(plain.status, 200);
      await plain.arrayBuffer();
      await reader?.cancel();
      // The slot is freed when the cancelled stream ends; poll until the other replica sees it.
      for (;;) {
        const again = await chat(two, caller, { stream: true, max_tokens: 4 });
        const text = await again.text();
        if (again.status === 200) {
          assert.match(text, /data: \[DONE\]/);
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    } finally {
      sim.setLatency({ firstTokenMs: 0, interTokenMs: 0 });
    }
  });

  test('a plan restricts models: others are not found and not listed', async () => {
    const plan = await createPlan({ name: `models-${Date.now()}`, allowed_models: ['coder'] });
    const caller = newCaller();
    await assign('user', caller.userId, plan.id);
    assert.equal((await chat(one, caller, { model: 'coder' })).status, 200);
    const denied = await chat(one, caller, { model: MODEL });
    assert.equal(denied.status, 404);
    const models = (await (await two.fetchAs(caller, '/v1/models')).json()) as {
      data: Array<{ id: string }>;
    };
    assert.deepEqual(
      models.data.map((m) => m.id),
      ['coder'],
    );
  });

  test('configured defaults apply to callers without a plan', async () => {
    const g = await startGateway({
      db,
      config: {
        backends: [{ name: 'sim', url: sim.url }],
        healthCheck: { intervalMs: 60000 },
        limits: { defaults: { apiKey: { requestsPerMinute: 2 } } },
      },
    });
    try {
      await awayFromMinuteEdge();
      const caller = newCaller();
      const statuses = [];
      for (let i = 0; i < 3; i++) {
        const res = await chat(g, caller);
        statuses.push(res.status);
        await res.arrayBuffer();
      }
      assert.deepEqual(statuses, [200, 200, 429]);
      const keyless = newCaller({}, false);
      for (let i = 0; i < 3; i++)
        assert.equal((await chat(g, keyless)).status, 200, 'sessions have no key limit');
    } finally {
      await g.close();
    }
  });
});
