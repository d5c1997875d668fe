import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decideRange } from './range.js';

const etag = '"abc"';
const modified = new Date('2026-12-01T10:00:00.500Z');
const decide = (range?: string, ifRange?: string) => decideRange(range, ifRange, 1000, etag, modified);

describe('RFC 9110 ranges', () => {
  test('single ranges, open-ended and suffix ranges', () => {
    assert.deepEqual(decide(), { kind: 'full' });
    assert.deepEqual(decide('bytes=0-99'), { kind: 'partial', start: 0, end: 99 });
    assert.deepEqual(decide('bytes=900-'), { kind: 'partial', start: 900, end: 999 });
    assert.deepEqual(decide('bytes=900-5000'), { kind: 'partial', start: 900, end: 999 });
    assert.deepEqual(decide('bytes=-100'), { kind: 'partial', start: 900, end: 999 });
    assert.deepEqual(decide('bytes=-5000'), { kind: 'partial', start: 0, end: 999 });
  });

  test('unsatisfiable, invalid and multiple ranges', () => {
    assert.deepEqual(decide('bytes=1000-'), { kind: 'unsatisfiable' });
    assert.deepEqual(decide('bytes=-0'), { kind: 'unsatisfiable' });
    assert.deepEqual(decide('bytes=50-10'), { kind: 'full' });
    assert.deepEqual(decide('bytes=0-1,5-9'), { kind: 'full' });
    assert.deepEqual(decide('items=0-1'), { kind: 'full' });
  });

  test('If-Range: the strong ETag or the exact date, else the whole file', () => {
    assert.deepEqual(decide('bytes=0-9', etag), { kind: 'partial', start: 0, end: 9 });
    assert.deepEqual(decide('bytes=0-9', '"other"'), { kind: 'full' });
    assert.deepEqual(decide('bytes=0-9', `W/${etag}`), { kind: 'full' });
    assert.deepEqual(decide('bytes=0-9', modified.toUTCString()), { kind: 'partial', start: 0, end: 9 });
    assert.deepEqual(decide('bytes=0-9', 'Tue, 01 Dec 2026 09:00:00 GMT'), { kind: 'full' });
  });
});
