import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { PrincipalCache } from './principal-cache.js';

const row = (user: string) => ({ user_id: user, name: `key of ${user}` });

describe('principal cache', () => {
  test('reuses a lookup until it is older than the TTL', () => {
    const cache = new PrincipalCache<ReturnType<typeof row>>(1000, () => true);
    cache.set('k', row('u'), cache.begin(), 0);
    assert.deepEqual(cache.get('k', 999), row('u'));
    assert.equal(cache.get('k', 1000), undefined);
  });

  test("forgetting a user drops only that user's keys", () => {
    const cache = new PrincipalCache<ReturnType<typeof row>>(1000, () => true);
    cache.set('a', row('u1'), cache.begin(), 0);
    cache.set('b', row('u2'), cache.begin(), 0);
    cache.forgetUser('u1');
    assert.equal(cache.get('a', 1), undefined);
    assert.deepEqual(cache.get('b', 1), row('u2'));
  });

  test('a lookup that raced with an invalidation is not stored', () => {
    const cache = new PrincipalCache<ReturnType<typeof row>>(1000, () => true);
    const epoch = cache.begin();
    cache.forgetUser('u'); // The change committed while the lookup was in flight.
    cache.set('k', row('u'), epoch, 0);
    assert.equal(cache.get('k', 1), undefined);
  });

  test('nothing is trusted while invalidations cannot be received', () => {
    let connected = true;
    const cache = new PrincipalCache<ReturnType<typeof row>>(1000, () => connected);
    cache.set('k', row('u'), cache.begin(), 0);
    connected = false;
    assert.equal(cache.get('k', 1), undefined);
    cache.set('j', row('u'), cache.begin(), 0);
    connected = true;
    assert.equal(cache.get('j', 1), undefined);
  });

  test('holds at most maxEntries, dropping the oldest; a TTL of 0 caches nothing', () => {
    const cache = new PrincipalCache<ReturnType<typeof row>>(1000, () => true, 2);
    for (const k of ['a', 'b', 'c']) cache.set(k, row(k), cache.begin(), 0);
    assert.equal(cache.get('a', 1), undefined);
    assert.ok(cache.get('c', 1));
    const off = new PrincipalCache<ReturnType<typeof row>>(0, () => true);
    off.set('k', row('u'), off.begin(), 0);
    assert.equal(off.get('k', 0), undefined);
  });
});
