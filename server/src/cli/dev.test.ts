import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { loadConfig } from '../config/index.js';
import { devPublicUrl } from './dev.js';

describe('aila dev public URL', () => {
  test('follows server.port while server.publicUrl is the default', async () => {
    const { server } = await loadConfig({ env: { AILA_SERVER_PORT: '9090' } });
    assert.equal(devPublicUrl(server), 'http://localhost:9090');
  });

  test('is server.publicUrl when set, and the default on port 8080 or a free port', async () => {
    const env = { AILA_SERVER_PORT: '9090', AILA_SERVER_PUBLIC_URL: 'https://ai.example.com/' };
    assert.equal(devPublicUrl((await loadConfig({ env })).server), 'https://ai.example.com');
    assert.equal(devPublicUrl((await loadConfig({ env: {} })).server), 'http://localhost:8080');
    const free = await loadConfig({ env: { AILA_SERVER_PORT: '0' } });
    assert.equal(devPublicUrl(free.server), 'http://localhost:8080');
  });
});
