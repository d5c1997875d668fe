import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Health } from './health.js';

test('readiness: all checks must pass in time; draining is never ready', async () => {
  const health = new Health(50);
  health.register('ok', async () => {});
  assert.equal((await health.readiness()).ready, true);
  health.register('slow', () => new Promise((r) => setTimeout(r, 1000)));
  health.register('broken', async () => {
    throw new Error('down');
  });
  const { ready, checks } = await health.readiness();
  assert.equal(ready, false);
  assert.equal(checks.ok?.status, 'ok');
  assert.match(checks.slow?.error ?? '', /timed out/);
  assert.equal(checks.broken?.error, 'down');
  assert.throws(() => health.register('ok', async () => {}), /already registered/);
  const drained = new Health();
  drained.startDraining();
  assert.equal((await drained.readiness()).ready, false);
});
