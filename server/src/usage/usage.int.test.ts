import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { Knex } from 'knex';
import { pino } from 'pino';
import { openMigratedTestDb } from '../../test/support/database.js';
import { type RunningSimulator, startSimulator } from '../dev/simulator/index.js';
import { type GatewayHarness, newCaller, startGateway } from '../gateway/testing/harness.js';
import { UsageRecorder } from './recorder.js';
import type { UsageRow, UsageTotals } from './types.js';

const MODEL = 'ai-la/sim-coder-7b';

interface EventRow {
  user_id: string;
  team_id: string | null;
  api_key_id: string | null;
  op: string;
  model: string;
  backend: string;
  prompt_tokens: number;
  completion_tokens: number;
  tokens_estimated: boolean;
  status: string;
  latency_ms: number;
  ttft_ms: number | null;
}

describe('usage: every call recorded in batches, rolled up per day, queryable', () => {
  let closeDb: () => Promise<void>;
  let db: Knex;
  let sim: RunningSimulator;
  let gateway: GatewayHarness;
  const alice = newCaller();
  const bob = newCaller({ teamId: '' }, false);
  const admin = newCaller();

  before(async () => {
    ({ db, close: closeDb } = await openMigratedTestDb(8));
    sim = await startSimulator({ models: [MODEL] });
    gateway = await startGateway({
      db,
      config: {
        backends: [{ name: 'sim', url: sim.url }],
        aliases: { coder: MODEL },
        healthCheck: { intervalMs: 60000 },
        usage: { flushIntervalMs: 60000 },
      },
    });
  });
  after(async () => {
    await gateway.close();
    await sim.close();
    await closeDb();
  });

  const post = (who: typeof alice, path: string, body: Record<string, unknown>, signal?: AbortSignal) =>
    gateway.fetchAs(who, path, { method: 'POST', body: JSON.stringify(body), ...(signal ? { signal } : {}) });
  const chat = { messages: [{ role: 'user', content: 'Write a function' }], max_tokens: 16 };

  test('ok, failed and cancelled calls become usage events and daily rollups', async () => {
    await (await post(alice, '/v1/chat/completions', { model: MODEL, ...chat })).arrayBuffer();
    await (
      await post(alice, '/v1/chat/completions', { model: 'coder', ...chat, stream: true })
    ).arrayBuffer();
    await (await post(alice, '/v1/embeddings', { model: MODEL, input: 'embed me' })).arrayBuffer();
    const failed = await post(alice, '/v1/chat/completions', {
      model: MODEL,
      ...chat,
      max_tokens: 10_000_000,
    });
    assert.equal(failed.status, 400);
    await failed.arrayBuffer();
    await (
      await post(bob, '/v1/completions', { model: MODEL, prompt: 'def f():', max_tokens: 8 })
    ).arrayBuffer();

    sim.setLatency({ firstTokenMs: 0, interTokenMs: 30 });
    try {
      const abort = new AbortController();
      const res = await post(
        alice,
        '/v1/chat/completions',
        { model: MODEL, ...chat, max_tokens: 500, stream: true },
        abort.signal,
      );
      const reader = res.body?.getReader();
      await reader?.read();
      abort.abort();
      await sim.waitForIdle();
    } finally {
      sim.setLatency({ firstTokenMs: 0, interTokenMs: 0 });
    }

    // Events are queued off the request path; flush until the cancelled call's event is written too.
    let rows: EventRow[] = [];
    while (rows.length < 5) {
      await gateway.module.usage.flush();
      rows = (await db('usage_events').where({ user_id: alice.userId }).orderBy('started_at')) as EventRow[];
      if (rows.length < 5) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.deepEqual(
      rows.map((r) => [r.op, r.model, r.status]),
      [
        ['chat_completions', MODEL, 'ok'],
        ['chat_completions', 'coder', 'ok'],
        ['embeddings', MODEL, 'ok'],
        ['chat_completions', MODEL, 'error'],
        ['chat_completions', MODEL, 'cancelled'],
      ],
    );
    const [plain, streamed, embedded, , cancelled] = rows as [
      EventRow,
      EventRow,
      EventRow,
      EventRow,
      EventRow,
    ];
    for (const row of [plain, streamed]) {
      assert.ok(row.prompt_tokens > 0 && row.completion_tokens > 0);
      assert.equal(row.tokens_estimated, false);
      assert.equal(row.team_id, alice.teamId);
      assert.equal(row.api_key_id, alice.apiKeyId);
      assert.equal(row.backend, 'sim');
      assert.ok(row.latency_ms >= 0 && row.ttft_ms !== null);
    }
    assert.equal(embedded.completion_tokens, 0);
    assert.equal(cancelled.tokens_estimated, true, 'a cancelled stream never got its usage chunk');
    assert.ok(cancelled.prompt_tokens > 0, 'estimated so budgets still count it');

    const daily = (await db('usage_daily').where({ user_id: alice.userId }).orderBy('model')) as Array<{
      model: string;
      requests: number;
      errors: number;
      cancelled: number;
      team_id: string;
    }>;
    assert.deepEqual(
      daily.map((d) => [d.model, d.requests, d.errors, d.cancelled, d.team_id]),
      [
        [MODEL, 4, 1, 1, alice.teamId],
        ['coder', 1, 0, 0, alice.teamId],
      ],
    );
  });

  test('GET /api/v1/user/usage shows only the caller’s own usage', async () => {
    const res = await gateway.fetchAs(alice, '/api/v1/user/usage?group_by=model');
    assert.equal(res.status, 200);
    const body = (await res.json()) as { data: UsageRow[]; totals: UsageTotals; group_by: string[] };
    assert.deepEqual(body.group_by, ['model']);
    assert.deepEqual(
      body.data.map((r) => [r.model, r.requests]),
      [
        [MODEL, 4],
        ['coder', 1],
      ],
    );
    assert.equal(body.totals.requests, 5);
    assert.equal(body.totals.total_tokens, body.totals.prompt_tokens + body.totals.completion_tokens);
    const byDay = (await (await gateway.fetchAs(bob, '/api/v1/user/usage')).json()) as { data: UsageRow[] };
    assert.deepEqual(
      byDay.data.map((r) => [r.day, r.requests]),
      [[new Date().toISOString().slice(0, 10), 1]],
    );
    const invalid = await gateway.fetchAs(alice, '/api/v1/user/usage?from=2026-02-01&to=2026-01-01');
    assert.equal(invalid.status, 400);
  });

  test('admin usage by team, user, model and day', async () => {
    const byTeam = (await (
      await gateway.fetchAs(admin, '/api/v1/admin/usage?group_by=team,user')
    ).json()) as { data: UsageRow[] };
    const mine = byTeam.data
      .filter((r) => r.user_id === alice.userId || r.user_id === bob.userId)
      .map((r) => [r.team_id, r.user_id, r.requests]);
    assert.deepEqual(
      new Set(mine.map((t) => JSON.stringify(t))),
      new Set([JSON.stringify([alice.teamId, alice.userId, 5]), JSON.stringify([null, bob.userId, 1])]),
    );
    const filtered = (await (
      await gateway.fetchAs(
        admin,
        `/api/v1/admin/usage?team_id=${alice.teamId}&model=coder&group_by=day,model`,
      )
    ).json()) as { data: UsageRow[]; totals: UsageTotals };
    assert.equal(filtered.data.length, 1);
    assert.equal(filtered.totals.requests, 1);
    const bad = await gateway.fetchAs(admin, '/api/v1/admin/usage?group_by=week');
    assert.equal(bad.status, 400);
  });

  test('queued events are written in batches and on close', async () => {
    const recorder = new UsageRecorder(db, pino({ level: 'silent' }), {
      flushIntervalMs: 60000,
      batchSize: 2,
      maxQueue: 100,
      retentionDays: 90,
    });
    const userId = randomUUID();
    for (let i = 0; i < 3; i++) {
      recorder.record({
        id: randomUUID(),
        requestId: randomUUID(),
        startedAt: new Date(),
        userId,
        teamId: null,
        apiKeyId: null,
        op: 'chat_completions',
        model: 'm',
        backend: 'b',
        promptTokens: 1,
        completionTokens: 2,
        tokensEstimated: false,
        status: 'ok',
        latencyMs: 3,
        ttftMs: null,
      });
    }
    await recorder.close();
    const [row] = (await db('usage_daily').where({ user_id: userId })) as Array<{
      requests: number;
      completion_tokens: string;
    }>;
    assert.equal(row?.requests, 3);
    assert.equal(row?.completion_tokens, '6');
  });
});
