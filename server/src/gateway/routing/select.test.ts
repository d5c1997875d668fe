import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import { affinityKey, promptPrefix } from './affinity.js';
import { preferredFor, selectReplica } from './select.js';

const replicas = (loads: number[]) => loads.map((inFlight, i) => ({ id: `r${i}`, weight: 1, inFlight }));
const key = (text: string) => createHash('sha256').update(text).digest();

describe('replica selection', () => {
  test('least outstanding requests without affinity, ties taken in turn', () => {
    const set = replicas([3, 1, 1, 5]);
    assert.equal(selectReplica(set, undefined, 4, 0)?.id, 'r1');
    assert.equal(selectReplica(set, undefined, 4, 1)?.id, 'r2');
    assert.equal(selectReplica([], undefined, 4, 0), undefined);
  });

  test('weights scale the load', () => {
    const set = [
      { id: 'small', weight: 1, inFlight: 2 },
      { id: 'big', weight: 4, inFlight: 4 },
    ];
    assert.equal(selectReplica(set, undefined, 0, 0)?.id, 'big');
  });

  test('affinity: the same prefix always prefers the same replica, on every appliance replica', () => {
    const set = replicas([0, 0, 0, 0, 0]);
    const k = key('system: you are a coder');
    const first = selectReplica(set, k, 4, 0)?.id;
    for (let turn = 1; turn < 20; turn++) assert.equal(selectReplica(set, k, 4, turn)?.id, first);
    const spread = new Set(Array.from({ length: 200 }, (_, i) => preferredFor(key(`p${i}`), set)?.id));
    assert.equal(spread.size, 5, 'different prefixes spread over all replicas');
  });

  test('affinity yields when the preferred replica is overloaded', () => {
    const k = key('shared prefix');
    const idle = replicas([0, 0, 0]);
    const preferred = preferredFor(k, idle)?.id;
    const busy = idle.map((r) => ({ ...r, inFlight: r.id === preferred ? 6 : 1 }));
    assert.notEqual(selectReplica(busy, k, 4, 0)?.id, preferred);
    const slightlyBusy = idle.map((r) => ({ ...r, inFlight: r.id === preferred ? 5 : 1 }));
    assert.equal(selectReplica(slightlyBusy, k, 4, 0)?.id, preferred);
  });

  test('removing a replica only moves the keys it owned (rendezvous property)', () => {
    const all = replicas([0, 0, 0, 0]);
    const without = all.filter((r) => r.id !== 'r2');
    for (let i = 0; i < 100; i++) {
      const k = key(`k${i}`);
      const before = preferredFor(k, all)?.id;
      if (before !== 'r2') assert.equal(preferredFor(k, without)?.id, before);
    }
  });

  test('prompt prefix: chat messages and completion prompts, cut at N characters', () => {
    const chat = {
      messages: [
        { role: 'system', content: 'abc' },
        { role: 'user', content: [{ type: 'text', text: 'def' }] },
      ],
    };
    assert.equal(promptPrefix(chat, 100), 'system\nabc\nuser\ndef\n');
    assert.equal(promptPrefix(chat, 5), 'syste');
    assert.equal(promptPrefix({ prompt: 'hello' }, 3), 'hel');
    assert.equal(promptPrefix({ prompt: ['one', 'two'] }, 10), 'one');
    assert.equal(promptPrefix({ input: 'x' }, 10), undefined);
    assert.equal(affinityKey(chat, 0), undefined);
  });
});
