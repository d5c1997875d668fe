import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AppError } from '../../platform/errors.js';
import { parseFilter, parsePath } from './filter.js';

const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return err instanceof AppError ? err.code : 'other';
  }
  return 'none';
};

describe('SCIM filters (RFC 7644 §3.4.2.2)', () => {
  test('one eq comparison, attribute names case-insensitive, schema prefixes removed', () => {
    assert.deepEqual(parseFilter('userName eq "alice@example.com"'), {
      attribute: 'username',
      value: 'alice@example.com',
    });
    assert.deepEqual(parseFilter('externalId EQ "00u1"'), { attribute: 'externalid', value: '00u1' });
    assert.deepEqual(parseFilter('urn:ietf:params:scim:schemas:core:2.0:User:userName eq "x"'), {
      attribute: 'username',
      value: 'x',
    });
    assert.deepEqual(parseFilter('displayName eq "a \\"quoted\\" and name"'), {
      attribute: 'displayname',
      value: 'a "quoted" and name',
    });
    assert.deepEqual(parseFilter('active eq true'), { attribute: 'active', value: true });
  });

  test('other operators and logical expressions are refused as invalidFilter', () => {
    for (const filter of [
      'userName co "x"',
      'userName eq "x" and active eq true',
      'not (userName eq "x")',
      'emails[type eq "work"]',
      'userName eq unquoted',
      'userName',
    ]) {
      assert.equal(
        code(() => parseFilter(filter)),
        'SCIM_INVALID_FILTER',
        filter,
      );
    }
  });
});

describe('SCIM PATCH paths (RFC 7644 §3.5.2)', () => {
  test('attributes, sub-attributes, value filters and extension attributes', () => {
    assert.deepEqual(parsePath('active'), { attribute: 'active' });
    assert.deepEqual(parsePath('name.familyName'), { attribute: 'name', subAttribute: 'familyname' });
    assert.deepEqual(parsePath('members[value eq "2819c223"]'), {
      attribute: 'members',
      filter: { attribute: 'value', value: '2819c223' },
    });
    assert.deepEqual(parsePath('emails[type eq "work"].value'), {
      attribute: 'emails',
      filter: { attribute: 'type', value: 'work' },
      subAttribute: 'value',
    });
    assert.deepEqual(parsePath('urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department'), {
      attribute: 'extension',
    });
  });

  test('malformed paths are invalidPath', () => {
    for (const path of ['emails[type eq', 'members[value co "x"]', 'a b', 'emails[type eq "w"]x']) {
      assert.equal(
        code(() => parsePath(path)),
        'SCIM_INVALID_PATH',
        path,
      );
    }
  });
});
