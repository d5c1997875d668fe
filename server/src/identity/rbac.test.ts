import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  API_KEY_SCOPES,
  grantsOf,
  isAllowed,
  mayHoldScope,
  PERMISSIONS,
  ROLE_GRANTS,
  restrictToScopes,
} from './rbac.js';

describe('rbac policy', () => {
  test('every granted permission and every key scope permission exists', () => {
    const known = new Set<string>(PERMISSIONS);
    for (const grants of Object.values(ROLE_GRANTS))
      for (const p of Object.keys(grants)) assert.ok(known.has(p), p);
    for (const ps of Object.values(API_KEY_SCOPES)) for (const p of ps) assert.ok(known.has(p), p);
  });

  test('several roles combine, the widest scope wins', () => {
    const grants = grantsOf([
      { role: 'developer', teamId: null },
      { role: 'team_admin', teamId: 't1' },
    ]);
    assert.equal(grants.get('audit:read'), 'team');
    assert.equal(grants.get('team:manage'), 'team');
    assert.equal(grants.get('gateway:use'), 'all');
    assert.equal(grants.has('users:manage'), false);
    assert.equal(
      grantsOf([
        { role: 'auditor', teamId: null },
        { role: 'developer', teamId: null },
      ]).get('audit:read'),
      'all',
    );
    assert.equal(grantsOf([]).size, 0);
  });

  test('a key is never more than its user: scopes intersect with the roles', () => {
    const developer = grantsOf([{ role: 'developer', teamId: null }]);
    assert.deepEqual([...restrictToScopes(developer, ['gateway', 'admin']).keys()].sort(), [
      'audit:read',
      'gateway:use',
      'usage:own',
    ]);
    assert.equal(mayHoldScope(developer, 'gateway'), true);
    assert.equal(mayHoldScope(developer, 'admin'), false, 'audit:read alone does not justify an admin key');
    assert.equal(mayHoldScope(developer, 'compliance:export'), false);
    const auditor = grantsOf([{ role: 'auditor', teamId: null }]);
    assert.equal(mayHoldScope(auditor, 'gateway'), false);
    assert.equal(mayHoldScope(auditor, 'compliance:export'), true);
    assert.equal(mayHoldScope(grantsOf([{ role: 'team_admin', teamId: 't' }]), 'admin'), true);
  });

  test('decisions: public for all, authenticated for any principal, permissions by grant', () => {
    const developer = grantsOf([{ role: 'developer', teamId: null }]);
    assert.equal(isAllowed(undefined, 'public'), true);
    assert.equal(isAllowed(undefined, 'authenticated'), false);
    assert.equal(isAllowed(new Map(), 'authenticated'), true);
    assert.equal(isAllowed(developer, 'gateway:use'), true);
    assert.equal(isAllowed(developer, 'compliance:export'), false);
  });
});
