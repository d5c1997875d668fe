import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RouteRegistry } from './route-registry.js';

test('records each route with its access, across routers, and refuses duplicates', () => {
  const registry = new RouteRegistry();
  const a = registry.router();
  a.get('/x', 'public', (_req, res) => res.end()).post('/x', 'keys:own', (_req, res) => res.end());
  registry.router().delete('/y/:id', 'users:manage', (_req, res) => res.end());
  assert.deepEqual(registry.list(), [
    { method: 'GET', path: '/x', access: 'public' },
    { method: 'POST', path: '/x', access: 'keys:own' },
    { method: 'DELETE', path: '/y/:id', access: 'users:manage' },
  ]);
  assert.throws(() => a.get('/x', 'authenticated', (_req, res) => res.end()), /declared twice/);
});
