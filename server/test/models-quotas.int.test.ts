/**
 * The admin console's gateway APIs on the real appliance, signed in through the development IdP:
 * the models catalogue (aliases, replicas, usage, restricting plans) and quota plan consumption.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { type RunningSimulator, startSimulator } from '../src/dev/simulator/index.js';
import { type Browser, errorCode, type SsoFixture, signIn, startSsoFixture } from './identity/support.js';

const MODEL = 'ai-la/sim-coder-7b';

interface CatalogModel {
  id: string;
  aliases: string[];
  served: boolean;
  routable: boolean;
  replicas: Array<{ id: string; group: string; up: boolean; routable: boolean }>;
  usage_24h: { requests: number; total_tokens: number; by_name: Array<{ name: string; requests: number }> };
  plans: Array<{ name: string; access: string; allowed_names: string[] }>;
}

interface Window {
  used: number;
  limit: number | null;
}

describe('admin console: models and quota consumption', () => {
  let sim: RunningSimulator;
  let sso: SsoFixture;
  let admin: Browser;
  let developer: Browser;
  let developerId: string;

  before(async () => {
    sim = await startSimulator({ models: [MODEL], latency: { interTokenMs: 5 } });
    sso = await startSsoFixture({
      AILA_GATEWAY_BACKENDS: JSON.stringify([{ name: 'sim', url: sim.url }]),
      AILA_GATEWAY_ALIASES: JSON.stringify({ coder: MODEL, 'old-coder': 'ai-la/retired-13b' }),
      AILA_GATEWAY_USAGE_BATCH_SIZE: '1',
      AILA_GATEWAY_LIMITS_PLAN_CACHE_MS: '0',
    });
    admin = await signIn(sso.app, 'admin@ai-la.dev');
    developer = await signIn(sso.app, 'dev@ai-la.dev');
    developerId = (await developer.json<{ user: { id: string } }>('/api/v1/me')).user.id;
  });
  after(async () => {
    await sso?.stop();
    await sim?.close();
  });

  const chat = async (model: string, extra: Record<string, unknown> = {}) => {
    const res = await developer.send('POST', '/v1/chat/completions', {
      model,
      messages: [{ role: 'user', content: 'Write a function that adds two numbers' }],
      max_tokens: 16,
      ...extra,
    });
    assert.equal(res.status, 200, await res.clone().text());
    return res;
  };

  const createPlan = async (plan: Record<string, unknown>) => {
    const res = await admin.send('POST', '/api/v1/admin/quotas/plans', plan);
    assert.equal(res.status, 201, await res.clone().text());
    return ((await res.json()) as { id: string }).id;
  };

  /** Usage is written off the request path: wait until the appliance has recorded `n` calls. */
  async function recorded(n: number): Promise<void> {
    for (let i = 0; i < 100; i++) {
      const row = (await sso.app.db('usage_events').count({ n: '*' })) as Array<{ n: string }>;
      if (Number(row[0]?.n) >= n) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`usage of ${n} calls not recorded`);
  }

  test('the models page lists served models with aliases, replicas, 24 h usage and restricting plans', async () => {
    await chat('coder');
    await chat('coder');
    await chat(MODEL);
    await recorded(3);
    await createPlan({ name: 'Alias only', allowed_models: ['coder'] });
    await createPlan({ name: 'Embeddings only', allowed_models: ['ai-la/embed'] });
    await createPlan({ name: 'Everything' });

    const { data } = await admin.json<{ data: CatalogModel[] }>('/api/v1/admin/models');
    assert.deepEqual(
      data.map((m) => [m.id, m.served]),
      [
        [MODEL, true],
        ['ai-la/retired-13b', false],
      ],
    );
    const [served, retired] = data as [CatalogModel, CatalogModel];
    assert.deepEqual(served.aliases, ['coder']);
    assert.equal(served.routable, true);
    assert.deepEqual(
      served.replicas.map((r) => [r.group, r.up]),
      [['sim', true]],
    );
    assert.equal(served.usage_24h.requests, 3);
    assert.ok(served.usage_24h.total_tokens > 0);
    assert.deepEqual(
      served.usage_24h.by_name.map((u) => [u.name, u.requests]),
      [
        [MODEL, 1],
        ['coder', 2],
      ],
    );
    assert.deepEqual(
      served.plans.map((p) => [p.name, p.access]),
      [
        ['Alias only', 'alias_only'],
        ['Embeddings only', 'blocked'],
      ],
    );
    assert.deepEqual(retired.aliases, ['old-coder']);
    assert.deepEqual(retired.replicas, []);

    const denied = await developer.fetch('/api/v1/admin/models');
    assert.equal(denied.status, 403);
    assert.equal(await errorCode(denied), 'FORBIDDEN');
  });

  test('a plan’s consumption: each subject with its label and what it used of each limit', async () => {
    const planId = await createPlan({
      name: 'Developers',
      requests_per_minute: 600,
      tokens_per_day: 100_000,
      tokens_per_month: 1_000_000,
      max_concurrent_streams: 4,
    });
    const put = await admin.send('PUT', `/api/v1/admin/quotas/assignments/user/${developerId}`, {
      plan_id: planId,
    });
    assert.equal(put.status, 200);
    const assigned = (await put.json()) as { subject_label: string; subject_detail: string };
    assert.deepEqual([assigned.subject_label, assigned.subject_detail], ['Dana Developer', 'dev@ai-la.dev']);
    const ghost = randomUUID();
    await admin.send('PUT', `/api/v1/admin/quotas/assignments/team/${ghost}`, { plan_id: planId });

    // A stream in flight holds a slot of the plan's concurrent-stream limit.
    const controller = new AbortController();
    const stream = await developer.fetch('/v1/chat/completions', {
      method: 'POST',
      signal: controller.signal,
      headers: { 'x-csrf-token': developer.csrfToken ?? '' },
      json: {
        model: MODEL,
        messages: [{ role: 'user', content: 'a long answer' }],
        max_tokens: 4000,
        stream: true,
      },
    });
    assert.equal(stream.status, 200);
    const reader = stream.body?.getReader();
    await reader?.read();

    const res = await admin.fetch(`/api/v1/admin/quotas/plans/${planId}/consumption`);
    assert.equal(res.status, 200);
    const body = (await res.json()) as {
      plan: { name: string };
      data: Array<{
        subject_type: string;
        subject_id: string;
        subject_label: string | null;
        consumption: Record<string, Window>;
      }>;
    };
    controller.abort();
    await reader?.cancel().catch(() => {});
    assert.equal(body.plan.name, 'Developers');
    const dev = body.data.find((d) => d.subject_id === developerId);
    const usedToday = (await sso.app
      .db('usage_events')
      .where({ user_id: developerId })
      .select('prompt_tokens', 'completion_tokens')) as Array<{
      prompt_tokens: number;
      completion_tokens: number;
    }>;
    const tokens = usedToday.reduce((n, e) => n + e.prompt_tokens + e.completion_tokens, 0);
    assert.deepEqual(dev?.consumption.tokens_per_day, { used: tokens, limit: 100_000 });
    assert.deepEqual(dev?.consumption.tokens_per_month, { used: tokens, limit: 1_000_000 });
    assert.deepEqual(dev?.consumption.concurrent_streams, { used: 1, limit: 4 });
    assert.equal(dev?.consumption.tokens_per_minute?.limit, null);
    const unknown = body.data.find((d) => d.subject_id === ghost);
    assert.equal(unknown?.subject_label, null, 'a subject that does not exist has no label');

    const { data: plans } = await admin.json<{ data: Array<{ id: string; assignments: number }> }>(
      '/api/v1/admin/quotas/plans',
    );
    assert.equal(plans.find((p) => p.id === planId)?.assignments, 2);
    const { data: listed } = await admin.json<{
      data: Array<{ subject_id: string; subject_label: string | null }>;
    }>(`/api/v1/admin/quotas/assignments?plan_id=${planId}`);
    assert.equal(listed.find((a) => a.subject_id === developerId)?.subject_label, 'Dana Developer');
  });

  test('consumption of an unknown or malformed plan id is refused with a stable code', async () => {
    const missing = await admin.fetch(`/api/v1/admin/quotas/plans/${randomUUID()}/consumption`);
    assert.equal(missing.status, 404);
    assert.equal(await errorCode(missing), 'NOT_FOUND');
    const malformed = await admin.fetch('/api/v1/admin/quotas/plans/xyz/consumption');
    assert.equal(malformed.status, 400);
    assert.equal(await errorCode(malformed), 'VALIDATION_FAILED');
    const denied = await developer.fetch(`/api/v1/admin/quotas/plans/${randomUUID()}/consumption`);
    assert.equal(denied.status, 403);
  });
});
