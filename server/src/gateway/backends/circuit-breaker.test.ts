import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CircuitBreaker } from './circuit-breaker.js';

describe('circuit breaker', () => {
  test('opens after the threshold, lets one trial through after openMs, closes on success', () => {
    let now = 1000;
    const breaker = new CircuitBreaker(3, 500, () => now);
    breaker.onFailure();
    breaker.onFailure();
    assert.equal(breaker.state, 'closed');
    breaker.onFailure();
    assert.equal(breaker.state, 'open');
    assert.equal(breaker.canPass(), false);
    now += 500;
    assert.equal(breaker.state, 'half_open');
    assert.equal(breaker.canPass(), true);
    breaker.onAttempt();
    assert.equal(breaker.canPass(), false, 'only one trial at a time');
    breaker.onSuccess();
    assert.equal(breaker.state, 'closed');
    assert.equal(breaker.consecutiveFailures, 0);
  });

  test('a failed trial opens the circuit again; a neutral one frees the trial slot', () => {
    let now = 0;
    const breaker = new CircuitBreaker(1, 100, () => now);
    breaker.onFailure();
    now = 100;
    breaker.onAttempt();
    breaker.onNeutral();
    assert.equal(breaker.canPass(), true);
    breaker.onAttempt();
    breaker.onFailure();
    assert.equal(breaker.state, 'open');
    now = 150;
    assert.equal(breaker.canPass(), false);
    now = 200;
    assert.equal(breaker.canPass(), true);
  });

  test('a success resets the count of consecutive failures', () => {
    const breaker = new CircuitBreaker(2, 100);
    breaker.onFailure();
    breaker.onSuccess();
    breaker.onFailure();
    assert.equal(breaker.state, 'closed');
  });
});
