import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AppError } from '../../platform/errors.js';
import { type GroupDraft, patchGroup, patchUser, readPatch, type UserDraft } from './patch.js';

const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const ops = (...operations: unknown[]) => readPatch({ schemas: [PATCH], Operations: operations });

const alice: UserDraft = {
  userName: 'alice@example.com',
  externalId: '00u1',
  givenName: 'Alice',
  familyName: 'Archer',
  displayName: 'Alice Archer',
  email: 'alice@example.com',
  active: true,
};

const group: GroupDraft = { displayName: 'Engineering', externalId: null, members: ['a', 'b'] };

const scimType = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return err instanceof AppError ? err.code : 'other';
  }
  return 'none';
};

describe('PATCH on users', () => {
  test('Entra ID: capitalised ops, "False" strings, filtered email path, dotted path-less keys', () => {
    const next = patchUser(
      alice,
      ops(
        { op: 'Replace', path: 'active', value: 'False' },
        { op: 'Replace', path: 'emails[type eq "work"].value', value: 'alice.archer@example.com' },
        { op: 'Replace', value: { 'name.givenName': 'Alicia', displayName: 'Alicia Archer' } },
        {
          op: 'Add',
          path: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department',
          value: 'R&D',
        },
        { op: 'Add', path: 'title', value: 'Engineer' },
      ),
    );
    assert.deepEqual(next, {
      ...alice,
      active: false,
      email: 'alice.archer@example.com',
      givenName: 'Alicia',
      displayName: 'Alicia Archer',
    });
  });

  test('Okta: path-less replace with an object', () => {
    assert.equal(patchUser(alice, ops({ op: 'replace', value: { active: false } })).active, false);
    assert.equal(patchUser(alice, ops({ op: 'replace', value: { active: 'True' } })).active, true);
  });

  test('name replaced as an object keeps sub-attributes it does not name; remove clears', () => {
    const next = patchUser(alice, ops({ op: 'replace', path: 'name', value: { familyName: 'Atwood' } }));
    assert.equal(next.givenName, 'Alice');
    assert.equal(next.familyName, 'Atwood');
    assert.equal(patchUser(alice, ops({ op: 'remove', path: 'externalId' })).externalId, null);
  });

  test('refusals: remove without path, removing userName or emails, a bad boolean, an unknown op', () => {
    assert.equal(
      scimType(() => ops({ op: 'remove' })),
      'SCIM_NO_TARGET',
    );
    assert.equal(
      scimType(() => patchUser(alice, ops({ op: 'remove', path: 'userName' }))),
      'SCIM_MUTABILITY',
    );
    assert.equal(
      scimType(() => patchUser(alice, ops({ op: 'remove', path: 'emails' }))),
      'SCIM_INVALID_VALUE',
    );
    assert.equal(
      scimType(() => patchUser(alice, ops({ op: 'replace', path: 'active', value: 'maybe' }))),
      'SCIM_INVALID_VALUE',
    );
    assert.equal(
      scimType(() => ops({ op: 'copy', path: 'active' })),
      'SCIM_INVALID_SYNTAX',
    );
    assert.equal(
      scimType(() => readPatch({ Operations: [] })),
      'SCIM_INVALID_SYNTAX',
    );
  });
});

describe('PATCH on groups', () => {
  test('add, Okta removal by filter, Entra removal by value list, replace, remove all', () => {
    assert.deepEqual(
      patchGroup(group, ops({ op: 'add', path: 'members', value: [{ value: 'c' }, { value: 'a' }] })).members,
      ['a', 'b', 'c'],
    );
    assert.deepEqual(patchGroup(group, ops({ op: 'remove', path: 'members[value eq "a"]' })).members, ['b']);
    assert.deepEqual(
      patchGroup(group, ops({ op: 'Remove', path: 'members', value: [{ value: 'b' }] })).members,
      ['a'],
    );
    assert.deepEqual(
      patchGroup(group, ops({ op: 'replace', path: 'members', value: [{ value: 'z' }] })).members,
      ['z'],
    );
    assert.deepEqual(patchGroup(group, ops({ op: 'remove', path: 'members' })).members, []);
  });

  test('rename by path or by a path-less object (Okta sends the id along)', () => {
    assert.equal(
      patchGroup(group, ops({ op: 'Replace', path: 'displayName', value: 'Eng' })).displayName,
      'Eng',
    );
    const next = patchGroup(group, ops({ op: 'replace', value: { id: 'g1', displayName: 'Platform' } }));
    assert.equal(next.displayName, 'Platform');
    assert.deepEqual(next.members, ['a', 'b']);
    assert.equal(
      scimType(() => patchGroup(group, ops({ op: 'remove', path: 'displayName' }))),
      'SCIM_MUTABILITY',
    );
  });
});
