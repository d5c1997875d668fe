import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import { Metrics } from '../../telemetry/metrics.js';
import { Backend } from '../backends/backend.js';
import { GatewayMetrics } from '../metrics.js';
import { gatewayConfig } from '../testing/harness.js';
import { dispatch } from './dispatch.js';
import { Deadlines } from './upstream.js';

const ANSWER = 'HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}';

describe('dispatch', () => {
  let server: Server;
  let url: string;
  before(async () => {
    // Answers the first request of each connection; a second one on it finds the socket closed,
    // as when a replica's keep-alive timeout closes an idle socket just as it is reused.
    server = createServer((socket) => {
      let served = false;
      socket.on('data', () => {
        if (served) socket.resetAndDestroy();
        else socket.write(ANSWER);
        served = true;
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  test('a keep-alive socket the replica closed is retried on the same replica, not failed', async () => {
    const config = gatewayConfig({ backends: [{ name: 'one', url }] });
    const backend = new Backend('one', config.backends[0] as never, new URL(url), 'static', config);
    const metrics = new GatewayMetrics(new Metrics().registry);
    const call = async () => {
      const controller = new AbortController();
      const deadlines = new Deadlines(controller, config.timeouts);
      const d = await dispatch({
        pick: (exclude) => (exclude.has(backend.id) ? undefined : backend),
        path: '/v1/chat/completions',
        body: Buffer.from('{}'),
        headers: {},
        signal: controller.signal,
        deadlines,
        connectMs: 1000,
        maxAttempts: 2,
        metrics,
        log: pino({ level: 'silent' }),
      });
      const status = d.exchange.res.statusCode;
      d.exchange.res.resume();
      await new Promise((resolve) => d.exchange.res.once('end', resolve));
      d.release('success');
      deadlines.clear();
      return { status, reused: d.exchange.req.reusedSocket };
    };
    assert.deepEqual(await call(), { status: 200, reused: false });
    await sleep(10); // The socket goes back to the agent's pool.
    assert.deepEqual(await call(), { status: 200, reused: false });
    assert.match(await metrics.retries.get().then((m) => JSON.stringify(m.values)), /"reason":"connect"/);
    assert.equal(backend.breaker.state, 'closed');
    backend.close();
  });
});
