import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { formatUserCode, newUserCode, normaliseUserCode, USER_CODE_ALPHABET } from './codes.js';

describe('device user codes (RFC 8628 §6.1)', () => {
  test('8 characters from the 20 consonants, shown as XXXX-XXXX', () => {
    assert.equal(USER_CODE_ALPHABET.length, 20);
    assert.doesNotMatch(USER_CODE_ALPHABET, /[AEIOUY]/);
    const seen = new Set<string>();
    for (let i = 0; i < 500; i++) {
      const code = newUserCode();
      assert.match(code, /^[BCDFGHJKLMNPQRSTVWXZ]{8}$/);
      seen.add(code);
    }
    assert.equal(seen.size, 500);
    assert.equal(formatUserCode('BCDFGHJK'), 'BCDF-GHJK');
  });

  test('typed codes: any case, dashes and spaces ignored; impossible codes refused', () => {
    assert.equal(normaliseUserCode('bcdf-ghjk'), 'BCDFGHJK');
    assert.equal(normaliseUserCode(' BCDF GHJK '), 'BCDFGHJK');
    assert.equal(normaliseUserCode('BCDF-GHJA'), undefined);
    assert.equal(normaliseUserCode('BCDF'), undefined);
    assert.equal(normaliseUserCode('0b5c3a7e-8f1d-4c2b-9a6e-5d4c3b2a1f00'), undefined);
  });
});
