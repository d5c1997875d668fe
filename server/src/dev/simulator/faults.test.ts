import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FaultInjector } from './faults.js';

function failures(injector: FaultInjector, requests: number): Array<number | null> {
  return Array.from({ length: requests }, () => injector.nextFailure());
}

describe('FaultInjector', () => {
  test('serves everything by default', () => {
    const injector = new FaultInjector({});
    assert.deepEqual(failures(injector, 5), [null, null, null, null, null]);
    assert.equal(injector.healthy(), true);
    assert.equal(injector.disconnectAfter(), undefined);
  });

  test('spreads failures deterministically', () => {
    const half = new FaultInjector({ failRate: 0.5 });
    assert.deepEqual(failures(half, 4), [null, 503, null, 503]);
    const tenth = new FaultInjector({ failRate: 0.1, status: 500 });
    const seen = failures(tenth, 30);
    assert.deepEqual(
      seen.flatMap((s, i) => (s === null ? [] : [i])),
      [9, 19, 29],
    );
    assert.ok(seen.every((s) => s === null || s === 500));
  });

  test('failRate 1 fails every request; set() replaces the fault and restarts the pattern', () => {
    const injector = new FaultInjector({ failRate: 1, status: 429 });
    assert.deepEqual(failures(injector, 2), [429, 429]);
    injector.set({ healthy: false });
    assert.deepEqual(failures(injector, 2), [null, null]);
    assert.equal(injector.healthy(), false);
    assert.deepEqual(injector.get(), { healthy: false });
  });

  test('rejects values it cannot honour', () => {
    assert.throws(() => new FaultInjector({ failRate: 2 }), TypeError);
    assert.throws(() => new FaultInjector({ status: 200 }), TypeError);
    assert.throws(() => new FaultInjector({ disconnectAfterChunks: -1 }), TypeError);
  });
});
