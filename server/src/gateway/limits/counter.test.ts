import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { LeasedCounter, type ReserveFn } from './counter.js';
import type { Reservation } from './counter-repository.js';

/** The upsert of counter-repository.ts, in memory. */
function memoryStore() {
  const rows = new Map<string, number>();
  let statements = 0;
  const reserve: ReserveFn = async (r: Reservation) => {
    statements++;
    const key = `${r.subject}|${r.metric}|${r.windowStart.getTime()}`;
    const used = rows.get(key) ?? 0;
    const granted = Math.min(r.want, Math.max(0, r.limit - used - r.force));
    rows.set(key, used + r.force + granted);
    return { used: used + r.force + granted, granted };
  };
  return { reserve, rows, statements: () => statements };
}

const policy = { fraction: 0.1, max: 50, recheckMs: 1000 };

describe('leased window counter', () => {
  test('two replicas sharing one counter never admit more than the limit', async () => {
    const store = memoryStore();
    const now = () => Date.UTC(2026, 0, 1, 12, 0, 10);
    const a = new LeasedCounter('user:x', 'requests_minute', 25, store.reserve, policy, now);
    const b = new LeasedCounter('user:x', 'requests_minute', 25, store.reserve, policy, now);
    let admitted = 0;
    for (let i = 0; i < 60; i++) if (await (i % 3 === 0 ? a : b).acquire(1, true)) admitted++;
    assert.equal(admitted, 25);
  });

  test('large limits are served from leases, not one statement per request', async () => {
    const store = memoryStore();
    const counter = new LeasedCounter('user:y', 'requests_minute', 10_000, store.reserve, policy);
    const results = await Promise.all(Array.from({ length: 200 }, () => counter.acquire(1, true)));
    assert.ok(results.every(Boolean));
    assert.ok(store.statements() <= 5, `${store.statements()} statements`);
  });

  test('tokens: spent tokens are charged even past the limit, then the window is exhausted', async () => {
    const store = memoryStore();
    let now = Date.UTC(2026, 0, 1, 12, 0, 0);
    const counter = new LeasedCounter('team:t', 'tokens_day', 100, store.reserve, policy, () => now);
    assert.equal(await counter.acquire(1, false), true);
    await counter.charge(80);
    assert.equal(await counter.acquire(1, false), true);
    await counter.charge(80);
    assert.equal(counter.remaining(), 0);
    now += 2000;
    assert.equal(await counter.acquire(1, false), false);
    now = Date.UTC(2026, 0, 2, 0, 0, 1);
    assert.equal(await counter.acquire(1, false), true, 'a new day starts a new window');
  });

  test('refund and give back', async () => {
    const store = memoryStore();
    const counter = new LeasedCounter('api_key:k', 'requests_minute', 3, store.reserve, policy);
    const start = counter.windowStart;
    assert.equal(await counter.acquire(1, true), true);
    counter.refund(1, start);
    const unused = counter.takeUnused();
    assert.equal(unused?.amount, 1, 'the refunded unit (a limit this small is leased one by one)');
    assert.equal(counter.takeUnused(), undefined);
  });
});
