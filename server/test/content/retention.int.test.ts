import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { pino } from 'pino';
import { createRetentionModule } from '../../src/compliance/retention/index.js';
import { errorCode } from '../identity/support.js';
import { auditEvents, type ContentFixture, startContentFixture, storeOperation } from './support.js';

const DAY = 86_400_000;
const daysAgo = (n: number) => new Date(Date.now() - n * DAY);

describe('retention job and legal holds', () => {
  let fx: ContentFixture;
  before(async () => {
    fx = await startContentFixture({ AILA_RETENTION_ENABLED: 'false' });
  });
  after(() => fx?.stop());

  const db = () => fx.sso.app.db;

  async function usageEvent(userId: string, teamId: string | null, startedAt: Date): Promise<string> {
    const id = randomUUID();
    await db()('usage_events').insert({
      id,
      request_id: randomUUID(),
      started_at: startedAt,
      user_id: userId,
      team_id: teamId,
      op: 'chat_completions',
      model: 'm',
      backend: 'b',
      prompt_tokens: 1,
      completion_tokens: 1,
      status: 'ok',
      latency_ms: 1,
    });
    return id;
  }

  async function placeHold(scope: 'user' | 'team', id: string): Promise<string> {
    const res = await fx.auditor.send('POST', '/api/v1/compliance/legal-holds', {
      scope,
      id,
      reason: 'Litigation hold, matter 2026-17',
      reference: 'M-2026-17',
    });
    assert.equal(res.status, 201, await res.clone().text());
    return ((await res.json()) as { hold: { id: string } }).hold.id;
  }

  test('legal holds: auditors and admins place and release them, developers cannot; all audited', async () => {
    const userId = fx.devUserId;
    assert.equal(
      (
        await fx.dev.send('POST', '/api/v1/compliance/legal-holds', {
          scope: 'user',
          id: userId,
          reason: 'mine',
        })
      ).status,
      403,
    );
    const unknown = await fx.auditor.send('POST', '/api/v1/compliance/legal-holds', {
      scope: 'user',
      id: randomUUID(),
      reason: 'no such person',
    });
    assert.equal(unknown.status, 404);
    const bad = await fx.auditor.send('POST', '/api/v1/compliance/legal-holds', {
      scope: 'group',
      id: userId,
    });
    assert.equal(bad.status, 400);
    assert.equal(await errorCode(bad), 'VALIDATION_FAILED');

    const holdId = await placeHold('user', userId);
    const listed = await fx.admin.json<{ holds: Array<{ id: string; active: boolean; reference: string }> }>(
      '/api/v1/compliance/legal-holds',
    );
    assert.ok(listed.holds.some((h) => h.id === holdId && h.active && h.reference === 'M-2026-17'));
    const released = await fx.auditor.send('DELETE', `/api/v1/compliance/legal-holds/${holdId}`);
    assert.equal(released.status, 200);
    assert.equal(((await released.json()) as { hold: { active: boolean } }).hold.active, false);
    assert.equal((await fx.auditor.send('DELETE', `/api/v1/compliance/legal-holds/${holdId}`)).status, 409);
    assert.equal(
      (await fx.auditor.send('DELETE', `/api/v1/compliance/legal-holds/${randomUUID()}`)).status,
      404,
    );
    const all = await fx.auditor.json<{ holds: Array<{ id: string }> }>(
      '/api/v1/compliance/legal-holds?active=false',
    );
    assert.ok(
      all.holds.some((h) => h.id === holdId),
      'released holds stay as history',
    );
    const events = (await auditEvents(fx, 'compliance.legal_hold')).filter((e) => e.target?.id === holdId);
    assert.deepEqual(
      events.map((e) => e.details.change),
      ['placed', 'released'],
    );
  });

  test('a run deletes what is past retention, keeps what is held or recent, and is audited', async () => {
    const [heldUser, freeUser, heldTeamMember] = await db()('users')
      .insert(
        ['held', 'free', 'member'].map((n) => ({
          id: randomUUID(),
          email: `${n}-${randomUUID()}@ai-la.dev`,
          name: n,
          status: 'active',
        })),
      )
      .returning('id')
      .then((rows: Array<{ id: string }>) => rows.map((r) => r.id));
    const [teamId] = await db()('teams')
      .insert({ id: randomUUID(), slug: `hold-${Date.now()}`, name: 'Held team' })
      .returning('id')
      .then((rows: Array<{ id: string }>) => rows.map((r) => r.id));
    await db()('team_members').insert({ team_id: teamId, user_id: heldTeamMember, source: 'admin' });
    await placeHold('user', heldUser as string);
    await placeHold('team', teamId as string);

    const old = {
      free: await storeOperation(fx, { userId: freeUser as string, teamId: null }),
      held: await storeOperation(fx, { userId: heldUser as string, teamId: null }),
      heldTeam: await storeOperation(fx, { userId: freeUser as string, teamId: teamId as string }),
    };
    const recent = await storeOperation(fx, { userId: freeUser as string, teamId: null });
    await db()('operation_content')
      .whereIn('request_id', Object.values(old))
      .update({ created_at: daysAgo(400) });
    const usage = {
      oldFree: await usageEvent(freeUser as string, null, daysAgo(400)),
      oldHeld: await usageEvent(heldUser as string, null, daysAgo(400)),
      recent: await usageEvent(freeUser as string, null, daysAgo(1)),
    };
    const session = async (userId: string, endedDaysAgo: number | null) => {
      const id = randomUUID();
      await db()('sessions').insert({
        id,
        user_id: userId,
        token_hash: randomUUID().replaceAll('-', '').padEnd(64, '0'),
        expires_at: daysAgo(-1),
        ...(endedDaysAgo === null ? {} : { ended_at: daysAgo(endedDaysAgo), end_reason: 'logout' }),
      });
      return id;
    };
    const sessions = {
      endedLongAgo: await session(freeUser as string, 100),
      endedLongAgoHeld: await session(heldTeamMember as string, 100),
      endedRecently: await session(freeUser as string, 2),
      live: await session(freeUser as string, null),
    };

    assert.equal((await fx.dev.send('POST', '/api/v1/admin/retention/runs')).status, 403);
    const res = await fx.admin.send('POST', '/api/v1/admin/retention/runs');
    assert.equal(res.status, 201, await res.clone().text());
    const { run } = (await res.json()) as {
      run: { id: string; status: string; deleted: Record<string, number> };
    };
    assert.equal(run.status, 'done');
    assert.ok((run.deleted.operation_content ?? 0) >= 1);

    const contentLeft = new Set(
      (await db()('operation_content').select('request_id')).map((r: { request_id: string }) => r.request_id),
    );
    assert.equal(contentLeft.has(old.free), false, 'old content is deleted');
    assert.equal(contentLeft.has(old.held), true, 'held user content stays');
    assert.equal(contentLeft.has(old.heldTeam), true, 'held team content stays');
    assert.equal(contentLeft.has(recent), true, 'recent content stays');
    const usageLeft = new Set((await db()('usage_events').select('id')).map((r: { id: string }) => r.id));
    assert.deepEqual(
      [usageLeft.has(usage.oldFree), usageLeft.has(usage.oldHeld), usageLeft.has(usage.recent)],
      [false, true, true],
    );
    const sessionsLeft = new Set((await db()('sessions').select('id')).map((r: { id: string }) => r.id));
    assert.deepEqual(
      [
        sessionsLeft.has(sessions.endedLongAgo),
        sessionsLeft.has(sessions.endedLongAgoHeld),
        sessionsLeft.has(sessions.endedRecently),
        sessionsLeft.has(sessions.live),
      ],
      [false, true, true, true],
    );
    const purged = (await auditEvents(fx, 'retention.purged')).at(-1);
    assert.equal(purged?.target?.id, run.id);
    assert.equal(purged?.outcome, 'success');
    const runs = await fx.admin.json<{ runs: Array<{ id: string }> }>('/api/v1/admin/retention/runs');
    assert.equal(runs.runs[0]?.id, run.id);

    // Crypto-shredding is refused while a hold covers the content it would erase.
    for (const [scope, id] of [
      ['user', heldUser],
      ['team', teamId],
      ['user', heldTeamMember],
    ] as const) {
      const refused = await fx.admin.send('POST', '/api/v1/admin/content-keys/destroy', {
        scope,
        id,
        reason: 'Erasure request',
      });
      assert.equal(refused.status, 409, `${scope} ${id}`);
      assert.equal(await errorCode(refused), 'LEGAL_HOLD_ACTIVE');
    }
  });

  test('one run at a time across replicas: a live lease refuses, a stale one is abandoned', async () => {
    const blocking = randomUUID();
    await db()('retention_runs').insert({ id: blocking, trigger: 'schedule' });
    const busy = await fx.admin.send('POST', '/api/v1/admin/retention/runs');
    assert.equal(busy.status, 409);
    assert.equal(await errorCode(busy), 'RETENTION_RUNNING');
    await db()('retention_runs')
      .where({ id: blocking })
      .update({ heartbeat_at: daysAgo(1) });
    assert.equal((await fx.admin.send('POST', '/api/v1/admin/retention/runs')).status, 201);
    const stale = (await db()('retention_runs').where({ id: blocking }).first()) as { status: string };
    assert.equal(stale.status, 'abandoned');
  });

  test('modules register purge hooks that run with the content period and the held subjects', async () => {
    const retention = createRetentionModule({
      db: db(),
      log: pino({ level: 'silent' }),
      audit: fx.audit,
      content: fx.content.service,
      config: {
        enabled: false,
        intervalHours: 24,
        checkIntervalMs: 60_000,
        batchSize: 2,
        leaseTtlMs: 60_000,
      },
    });
    const calls: Array<{ before: Date; users: number; limit: number }> = [];
    let left = 5;
    retention.register({
      name: 'test_messages',
      purge: async (_db, { before: cutoff, held, limit }) => {
        calls.push({ before: cutoff, users: held.users.length, limit });
        const n = Math.min(limit, left);
        left -= n;
        return n;
      },
    });
    assert.throws(() => retention.register({ name: 'Bad-Name', purge: async () => 0 }));
    const run = await retention.job.run('manual', null);
    assert.equal(run?.deleted.test_messages, 5);
    assert.equal(calls.length, 3, 'repeats until less than a batch is deleted');
    assert.ok(Math.abs((calls[0]?.before.getTime() ?? 0) - daysAgo(90).getTime()) < 60_000);
    assert.ok((calls[0]?.users ?? 0) >= 1);
  });
});
