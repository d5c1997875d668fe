import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { OidcConnectionConfig } from '../config-schema.js';
import { mapGroups, readProfile } from './claims.js';

const connection = (overrides: Partial<OidcConnectionConfig> = {}): OidcConnectionConfig => ({
  name: 'corp',
  issuer: 'https://idp.example.com',
  clientId: 'ai-la',
  clientSecret: 'secret',
  tokenEndpointAuthMethod: 'client_secret_basic',
  scopes: ['openid', 'email', 'profile'],
  claims: { email: 'email', name: 'name', groups: 'groups' },
  groupRoles: { admins: 'admin', devs: 'developer', auditors: 'auditor' },
  groupTeams: {
    payments: 'payments',
    'payments-leads': { team: 'payments', role: 'team_admin' },
    web: { team: 'web' },
  },
  domains: [],
  allowInsecureHttp: false,
  ...overrides,
});

describe('claims', () => {
  test('reads e-mail (lower-cased), name and groups with the configured claim names', () => {
    const profile = readProfile(
      connection({ claims: { email: 'upn', name: 'display', groups: 'roles' } }),
      'sub-1',
      {
        upn: 'Ann@Corp.Example',
        display: 'Ann A.',
        roles: ['devs', 7, 'x'],
      },
    );
    assert.deepEqual(profile, {
      connection: 'corp',
      subject: 'sub-1',
      email: 'ann@corp.example',
      name: 'Ann A.',
      groups: ['devs', 'x'],
    });
  });

  test('falls back to preferred_username for the name; a single group string is a list of one', () => {
    const profile = readProfile(connection(), 's', {
      email: 'b@c.de',
      preferred_username: 'bee',
      groups: 'devs',
    });
    assert.ok(typeof profile === 'object');
    assert.equal(profile.name, 'bee');
    assert.deepEqual(profile.groups, ['devs']);
  });

  test('refuses a missing or unverified e-mail and foreign domains', () => {
    assert.equal(readProfile(connection(), 's', {}), 'email_missing');
    assert.equal(readProfile(connection(), 's', { email: 'not-an-email' }), 'email_missing');
    assert.equal(
      readProfile(connection(), 's', { email: 'a@b.cd', email_verified: false }),
      'email_unverified',
    );
    assert.equal(
      readProfile(connection({ domains: ['corp.example'] }), 's', { email: 'a@other.example' }),
      'domain_not_allowed',
    );
    assert.ok(
      typeof readProfile(connection({ domains: ['corp.example'] }), 's', { email: 'a@CORP.example' }) ===
        'object',
    );
  });

  test('maps groups to roles and teams; team_admin wins within a team; defaultRole when nothing maps', () => {
    const grants = mapGroups(connection(), [
      'devs',
      'admins',
      'payments',
      'payments-leads',
      'web',
      'unknown',
    ]);
    assert.deepEqual(grants.roles, ['admin', 'developer']);
    assert.deepEqual(
      [...grants.teams],
      [
        ['payments', 'team_admin'],
        ['web', 'member'],
      ],
    );
    assert.deepEqual(mapGroups(connection(), ['unknown']).roles, []);
    assert.deepEqual(mapGroups(connection({ defaultRole: 'developer' }), ['unknown']).roles, ['developer']);
    assert.deepEqual(mapGroups(connection({ defaultRole: 'developer' }), ['auditors']).roles, ['auditor']);
  });
});
