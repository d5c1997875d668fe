import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { createTestDatabase, type TestDatabase } from './support/database.js';
import { runCli, spawnTs } from './support/process.js';

describe('OpenTelemetry', () => {
  let database: TestDatabase;
  let collector: Server;
  const received: string[] = [];
  before(async () => {
    database = await createTestDatabase();
    await runCli(['migrate', 'up'], { AILA_DATABASE_URL: database.url });
    // An OTLP/HTTP receiver (the exporter posts JSON to <endpoint>/v1/traces).
    collector = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => {
        body += c.toString('utf8');
      });
      req.on('end', () => {
        if (req.url === '/v1/traces') received.push(body);
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((ok) => collector.listen(0, '127.0.0.1', ok));
  });
  after(async () => {
    collector.close();
    await database.drop();
  });

  test('aila serve exports HTTP, Express and PostgreSQL spans to the OTLP endpoint', async () => {
    const { port } = collector.address() as AddressInfo;
    const child = spawnTs('server/src/cli/index.ts', ['serve'], {
      AILA_DATABASE_URL: database.url,
      AILA_SERVER_HOST: '127.0.0.1',
      AILA_SERVER_PORT: '0',
      AILA_METRICS_ENABLED: 'false',
      AILA_TELEMETRY_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
    });
    const [, url] = await child.waitFor(/"url":"(http:[^"]+)"/);
    const res = await fetch(`${url}/api/v1/version`);
    const traceparent = res.headers.get('x-request-id');
    assert.ok(traceparent);
    child.proc.kill('SIGTERM');
    assert.equal(await child.exited, 0, child.output());
    const all = received.join('\n');
    assert.match(all, /"name":"GET \/api\/v1\/version"|"name":"GET"/);
    assert.match(all, /@opentelemetry\/instrumentation-http/);
    assert.match(all, /@opentelemetry\/instrumentation-express/);
    assert.match(all, /@opentelemetry\/instrumentation-pg/);
    assert.match(all, /"service.name"/);
  });

  test('without an endpoint nothing is exported and nothing is loaded', async () => {
    const before = received.length;
    const child = spawnTs('server/src/cli/index.ts', ['serve'], {
      AILA_DATABASE_URL: database.url,
      AILA_SERVER_HOST: '127.0.0.1',
      AILA_SERVER_PORT: '0',
      AILA_METRICS_ENABLED: 'false',
    });
    const [, url] = await child.waitFor(/"url":"(http:[^"]+)"/);
    await (await fetch(`${url}/livez`)).text();
    child.proc.kill('SIGTERM');
    assert.equal(await child.exited, 0);
    assert.equal(received.length, before);
  });
});
