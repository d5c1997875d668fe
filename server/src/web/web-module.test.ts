import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import express from 'express';
import { errorHandler, notFoundHandler } from '../platform/http/error-handler.js';
import { createWebModule, defaultDistDir, isServerPath } from './index.js';

const INDEX =
  '<!doctype html><html><head><script type="module" src="/assets/app-3f9a1c.js"></script></head></html>';
const HTML = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

async function serve(distDir: string): Promise<{ url: string; close(): Promise<void> }> {
  const app = express();
  app.get('/api/v1/version', (_req, res) => {
    res.json({ name: 'ai-la' });
  });
  app.use(createWebModule({ distDir }).router);
  app.use(notFoundHandler);
  app.use(errorHandler);
  const server: Server = await new Promise((ok) => {
    const s = app.listen(0, '127.0.0.1', () => ok(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((ok) => server.close(() => ok())),
  };
}

describe('web module with a built UI', () => {
  let dir: string;
  let web: Awaited<ReturnType<typeof serve>>;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'aila-web-'));
    await mkdir(join(dir, 'assets'));
    await writeFile(join(dir, 'index.html'), INDEX);
    await writeFile(join(dir, 'assets', 'app-3f9a1c.js'), 'console.log(1);');
    await writeFile(join(dir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    web = await serve(dir);
  });
  after(async () => {
    await web.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('/ serves index.html with no-cache', async () => {
    const res = await fetch(`${web.url}/`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
    assert.equal(res.headers.get('cache-control'), 'no-cache');
    assert.equal(await res.text(), INDEX);
  });

  test('hashed assets are immutable for a year; other files are revalidated', async () => {
    const asset = await fetch(`${web.url}/assets/app-3f9a1c.js`);
    assert.equal(asset.status, 200);
    assert.match(asset.headers.get('content-type') ?? '', /javascript/);
    assert.equal(asset.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    const icon = await fetch(`${web.url}/favicon.svg`);
    assert.equal(icon.status, 200);
    assert.equal(icon.headers.get('cache-control'), 'no-cache');
    const index = await fetch(`${web.url}/index.html`);
    assert.equal(index.headers.get('cache-control'), 'no-cache');
  });

  test('a browser navigation to a client route gets index.html', async () => {
    for (const path of ['/workspace/chat', '/admin/users/8d3e', '/audit/receipts?q=1', '/apix']) {
      const res = await fetch(`${web.url}${path}`, { headers: { accept: HTML } });
      assert.equal(res.status, 200, path);
      assert.equal(await res.text(), INDEX, path);
    }
    const head = await fetch(`${web.url}/workspace/keys`, { method: 'HEAD', headers: { accept: HTML } });
    assert.equal(head.status, 200);
  });

  test('server prefixes, missing assets, non-HTML requests and other methods are not answered by the UI', async () => {
    for (const path of [
      '/api/v1/nothing',
      '/v1/models-x',
      '/auth/nothing',
      '/log/receipts/x',
      '/scim/v2',
      '/.well-known/x',
      '/livez/x',
      '/readyz/x',
      '/assets/missing-0000.js',
    ]) {
      const res = await fetch(`${web.url}${path}`, { headers: { accept: HTML } });
      assert.equal(res.status, 404, path);
      // The OpenAI-compatible /v1 routes spell codes in lower case.
      const { error } = (await res.json()) as { error: { code: string } };
      assert.equal(error.code.toUpperCase(), 'ROUTE_NOT_FOUND', path);
    }
    const api = await fetch(`${web.url}/api/v1/version`, { headers: { accept: HTML } });
    assert.deepEqual(await api.json(), { name: 'ai-la' });
    const json = await fetch(`${web.url}/workspace`, { headers: { accept: 'application/json' } });
    assert.equal(json.status, 404);
    const post = await fetch(`${web.url}/workspace`, { method: 'POST', headers: { accept: HTML } });
    assert.equal(post.status, 404);
  });

  test('no directory listing and no dotfiles', async () => {
    await writeFile(join(dir, '.env'), 'SECRET=1');
    const dot = await fetch(`${web.url}/.env`, { headers: { accept: 'text/plain' } });
    assert.equal(dot.status, 404);
    const listing = await fetch(`${web.url}/assets/`, { headers: { accept: 'text/plain' } });
    assert.equal(listing.status, 404);
  });
});

describe('web module without a build', () => {
  let dir: string;
  let web: Awaited<ReturnType<typeof serve>>;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'aila-web-missing-'));
    web = await serve(join(dir, 'dist'));
  });
  after(async () => {
    await web.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('/ answers 503 with a JSON error telling the operator to build the UI', async () => {
    for (const path of ['/', '/workspace/chat']) {
      const res = await fetch(`${web.url}${path}`, { headers: { accept: HTML } });
      assert.equal(res.status, 503, path);
      const body = (await res.json()) as { error: { code: string; message: string } };
      assert.equal(body.error.code, 'NOT_READY');
      assert.match(body.error.message, /npm run build/);
      assert.match(body.error.message, /admin-ui\/dist/);
    }
  });

  test('the API is unaffected', async () => {
    const res = await fetch(`${web.url}/api/v1/version`);
    assert.equal(res.status, 200);
  });
});

test('isServerPath matches whole path segments', () => {
  assert.equal(isServerPath('/api'), true);
  assert.equal(isServerPath('/api/v1/me'), true);
  assert.equal(isServerPath('/.well-known/tecp-jwks'), true);
  assert.equal(isServerPath('/apis'), false);
  assert.equal(isServerPath('/workspace/v1'), false);
});

test('defaultDistDir points at admin-ui/dist of the repository', () => {
  assert.match(defaultDistDir(), /admin-ui[/\\]dist$/);
  assert.ok(!defaultDistDir().includes(`${join('server', 'admin-ui')}`));
});
