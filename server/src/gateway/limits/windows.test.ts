import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { formatReset, retryAfterSeconds, windowOf } from './windows.js';

describe('limit windows', () => {
  test('minute, UTC day and UTC calendar month windows', () => {
    const now = Date.UTC(2026, 1, 28, 23, 59, 30, 250);
    assert.deepEqual(windowOf('requests_minute', now), {
      start: Date.UTC(2026, 1, 28, 23, 59),
      end: Date.UTC(2026, 2, 1, 0, 0),
    });
    assert.deepEqual(windowOf('tokens_day', now), {
      start: Date.UTC(2026, 1, 28),
      end: Date.UTC(2026, 2, 1),
    });
    assert.deepEqual(windowOf('tokens_month', now), {
      start: Date.UTC(2026, 1, 1),
      end: Date.UTC(2026, 2, 1),
    });
    const december = Date.UTC(2026, 11, 31, 12);
    assert.deepEqual(windowOf('tokens_month', december), {
      start: Date.UTC(2026, 11, 1),
      end: Date.UTC(2027, 0, 1),
    });
  });

  test('reset durations in OpenAI header syntax, Retry-After in whole seconds', () => {
    assert.equal(formatReset(20), '20ms');
    assert.equal(formatReset(6000), '6s');
    assert.equal(formatReset(1500), '1.5s');
    assert.equal(formatReset(90_000), '1m30s');
    assert.equal(formatReset(3_600_000 + 1000), '1h0m1s');
    assert.equal(retryAfterSeconds(1), '1');
    assert.equal(retryAfterSeconds(59_001), '60');
  });
});
