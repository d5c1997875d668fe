import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decodeCursor, encodeCursor, parseTime } from './scope.js';

describe('query helpers', () => {
  test('cursors round-trip and reject tampering', () => {
    assert.deepEqual(decodeCursor(encodeCursor([1700000000000, 42]), 2), [1700000000000, 42]);
    assert.equal(decodeCursor(encodeCursor([1, 2]), 1), undefined);
    assert.equal(decodeCursor(Buffer.from('1.x').toString('base64url'), 2), undefined);
    assert.equal(decodeCursor(Buffer.from('01.2').toString('base64url'), 2), undefined);
  });

  test('times: Unix ms or RFC 3339', () => {
    assert.equal(parseTime('1700000000000'), 1700000000000);
    assert.equal(parseTime('2023-11-14T22:13:20Z'), 1700000000000);
    assert.equal(parseTime('2023-11-14T23:13:20+01:00'), 1700000000000);
    assert.equal(parseTime('2023-11-14'), Date.parse('2023-11-14'));
    for (const bad of ['yesterday', '2023-13-45T00:00:00Z', '1e12', ''])
      assert.equal(parseTime(bad), undefined, bad);
  });
});
