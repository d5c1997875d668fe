import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { dailyDeltas, NO_TEAM } from './repository.js';
import { usagePeriod } from './router.js';
import type { UsageEvent } from './types.js';

const event = (overrides: Partial<UsageEvent>): UsageEvent => ({
  id: 'e',
  requestId: 'r',
  startedAt: new Date('2026-03-01T23:59:59.999Z'),
  userId: 'u1',
  teamId: null,
  apiKeyId: null,
  op: 'chat_completions',
  model: 'm',
  backend: 'b',
  promptTokens: 10,
  completionTokens: 5,
  tokensEstimated: false,
  status: 'ok',
  latencyMs: 100,
  ttftMs: 20,
  ...overrides,
});

describe('usage rollup and queries', () => {
  test('a batch is summed per UTC day, user, team and model, in key order', () => {
    const deltas = dailyDeltas([
      event({}),
      event({ status: 'error', ttftMs: null, latencyMs: 50 }),
      event({ startedAt: new Date('2026-03-02T00:00:00Z'), status: 'cancelled' }),
      event({ teamId: 't1', model: 'a' }),
    ]);
    assert.deepEqual(
      deltas.map((d) => [d.day, d.team_id, d.model, d.requests, d.errors, d.cancelled, d.prompt_tokens]),
      [
        ['2026-03-01', NO_TEAM, 'm', 2, 1, 0, 20],
        ['2026-03-01', 't1', 'a', 1, 0, 0, 10],
        ['2026-03-02', NO_TEAM, 'm', 1, 0, 1, 10],
      ],
    );
    assert.deepEqual(
      [deltas[0]?.latency_ms_sum, deltas[0]?.ttft_ms_sum, deltas[0]?.ttft_count],
      [150, 20, 1],
    );
  });

  test('query period: defaults to the last 30 days, bounded, grouping parsed', () => {
    const period = usagePeriod({ to: '2026-03-31' }, ['day']);
    assert.deepEqual(period, { from: '2026-03-02', to: '2026-03-31', groupBy: ['day'] });
    assert.deepEqual(
      usagePeriod({ from: '2026-01-01', to: '2026-01-01', group_by: 'model,day,model' }, []).groupBy,
      ['model', 'day'],
    );
    assert.throws(
      () => usagePeriod({ from: '2026-02-01', to: '2026-01-01' }, []),
      /from must not be after to/,
    );
    assert.throws(() => usagePeriod({ from: '2020-01-01', to: '2026-01-01' }, []), /at most 400 days/);
  });
});
