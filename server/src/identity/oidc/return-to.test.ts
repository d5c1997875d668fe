import assert from 'node:assert/strict';
import { test } from 'node:test';
import { safeReturnTo } from './return-to.js';

const BASE = 'https://ai-la.example.com';

test('same-origin paths are kept with query and fragment', () => {
  assert.equal(safeReturnTo(undefined, BASE), '/');
  assert.equal(safeReturnTo('', BASE), '/');
  assert.equal(safeReturnTo('/workspace?tab=chat#x', BASE), '/workspace?tab=chat#x');
  assert.equal(safeReturnTo('/a/../b', BASE), '/b');
});

test('anything that could leave the origin is refused', () => {
  for (const bad of [
    'https://evil.example/',
    '//evil.example',
    '/\\evil.example',
    '\\\\evil.example',
    'javascript:alert(1)',
    'relative',
    '/ok\nLocation: x',
    '/tab\there',
    `/${'a'.repeat(3000)}`,
  ]) {
    assert.equal(safeReturnTo(bad, BASE), undefined, JSON.stringify(bad));
  }
});
