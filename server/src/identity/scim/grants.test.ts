import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ConnectionMapping } from '../config-shared.js';
import { ownTeamOf, slugOf } from './grants.js';

const mapping: ConnectionMapping = {
  name: 'corp',
  claims: { email: 'email', name: 'name', groups: 'groups' },
  groupRoles: { 'ai-la-admins': 'admin' },
  groupTeams: { 'payments-leads': { team: 'payments', role: 'team_admin' } },
  domains: [],
};

describe('SCIM groups as teams', () => {
  test('slugs: lower-case ASCII words joined by -, accents dropped, stable hash for other scripts', () => {
    assert.equal(slugOf('Payments Squad'), 'payments-squad');
    assert.equal(slugOf('  R&D / Équipe Données '), 'r-d-equipe-donnees');
    assert.match(slugOf('開発チーム'), /^group-[0-9a-f]{12}$/);
    assert.equal(slugOf('開発チーム'), slugOf('開発チーム'));
    assert.equal(slugOf('x'.repeat(100)).length, 64);
  });

  test('a group mapped to a role or a team is not a team of its own', () => {
    assert.equal(ownTeamOf(mapping, 'ai-la-admins'), undefined);
    assert.equal(ownTeamOf(mapping, 'payments-leads'), undefined);
    assert.deepEqual(ownTeamOf(mapping, 'Platform Guild'), { slug: 'platform-guild' });
  });
});
