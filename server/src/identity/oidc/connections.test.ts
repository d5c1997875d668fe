import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { OidcConnectionConfig } from '../config-schema.js';
import { connectionProblems, OidcConnections } from './connections.js';

const base: OidcConnectionConfig = {
  name: 'corp',
  issuer: 'https://idp.example.com',
  clientId: 'ai-la',
  clientSecret: 'secret',
  tokenEndpointAuthMethod: 'client_secret_basic',
  scopes: ['openid', 'email'],
  claims: { email: 'email', name: 'name', groups: 'groups' },
  groupRoles: {},
  groupTeams: {},
  domains: ['corp.example'],
  allowInsecureHttp: false,
};

test('refuses duplicate names, a request without openid and http issuers unless allowed', () => {
  assert.deepEqual(connectionProblems([base]), []);
  const problems = connectionProblems([
    base,
    { ...base, scopes: ['email'] },
    { ...base, name: 'dev', issuer: 'http://127.0.0.1:8081' },
  ]);
  assert.equal(problems.length, 3);
  assert.match(problems[0] ?? '', /duplicate/);
  assert.match(problems[1] ?? '', /openid/);
  assert.match(problems[2] ?? '', /http:\/\//);
  assert.deepEqual(
    connectionProblems([{ ...base, issuer: 'http://127.0.0.1:8081', allowInsecureHttp: true }]),
    [],
  );
  assert.throws(() => new OidcConnections([{ ...base, scopes: [] }], 'https://ai-la.example'), /openid/);
});

test('redirect URI from the public URL; connection by e-mail domain', () => {
  const connections = new OidcConnections(
    [base, { ...base, name: 'partners', domains: ['partner.example'] }],
    'https://ai-la.example/',
  );
  assert.equal(connections.byName('corp')?.redirectUri, 'https://ai-la.example/auth/oidc/corp/callback');
  assert.equal(connections.byName('corp')?.postLogoutRedirectUri, 'https://ai-la.example/');
  assert.equal(connections.byEmail('x@partner.example')?.name, 'partners');
  assert.equal(connections.byEmail('x@Corp.Example')?.name, 'corp');
  assert.equal(connections.byEmail('x@elsewhere.example'), undefined);
  const single = new OidcConnections([{ ...base, domains: [] }], 'https://ai-la.example');
  assert.equal(single.byEmail('x@anything.example')?.name, 'corp');
});
