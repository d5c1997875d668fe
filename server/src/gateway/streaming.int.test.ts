import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, test } from 'node:test';
import type { Knex } from 'knex';
import OpenAI from 'openai';
import { openMigratedTestDb } from '../../test/support/database.js';
import { type RunningSimulator, startSimulator } from '../dev/simulator/index.js';
import { type GatewayHarness, newCaller, startGateway, tokenFor } from './testing/harness.js';

const MODEL = 'ai-la/sim-coder-7b';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('gateway streaming: backpressure and timeouts', () => {
  let closeDb: () => Promise<void>;
  let db: Knex;
  let sim: RunningSimulator;
  let gateway: GatewayHarness;

  before(async () => {
    ({ db, close: closeDb } = await openMigratedTestDb(4));
    sim = await startSimulator({ models: [MODEL], maxModelLen: 400_000 });
    gateway = await startGateway({
      db,
      config: { backends: [{ name: 'sim', url: sim.url }], healthCheck: { intervalMs: 60000 } },
    });
  });
  after(async () => {
    await gateway.close();
    await sim.close();
    await closeDb();
  });

  test('a client that stops reading pauses the replica instead of filling the gateway’s memory', async () => {
    const body = JSON.stringify({
      model: MODEL,
      messages: [{ role: 'user', content: 'Write a very long program' }],
      stream: true,
      max_tokens: 300_000,
      ignore_eos: true,
    });
    const url = new URL(`${gateway.url}/v1/chat/completions`);
    const response = await new Promise<import('node:http').IncomingMessage>((resolve, reject) => {
      const req = request(url, {
        method: 'POST',
        headers: { authorization: `Bearer ${tokenFor(newCaller())}`, 'content-type': 'application/json' },
      });
      req.once('response', resolve);
      req.once('error', reject);
      req.end(body);
    });
    assert.equal(response.statusCode, 200);
    response.pause();
    // Some ~50 MB of events: far more than the socket buffers between client, gateway and replica.
    // While the client does not read, the replica must stay blocked mid-stream; without backpressure
    // the gateway would swallow the whole stream and the replica would finish.
    for (let i = 0; i < 40; i++) {
      await sleep(50);
      assert.equal(sim.stats().inFlight, 1, 'the replica is still waiting for the slow client');
    }
    assert.ok(sim.stats().backpressureWaits > 0);
    let bytes = 0;
    let tail = '';
    response.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      tail = (tail + chunk.toString('latin1')).slice(-64);
    });
    response.resume();
    await new Promise((resolve) => response.once('end', resolve));
    assert.ok(bytes > 10_000_000);
    assert.ok(tail.endsWith('data: [DONE]\n\n'));
  });

  test('first-byte and idle timeouts end the call with 504 or an error event', async () => {
    const slow = await startSimulator({ models: [MODEL], latency: { firstTokenMs: 1000, interTokenMs: 0 } });
    const g = await startGateway({
      db,
      config: {
        backends: [{ name: 'slow', url: slow.url }],
        healthCheck: { intervalMs: 60000 },
        timeouts: { firstByteMs: 100, idleMs: 100 },
      },
    });
    const client = new OpenAI({ baseURL: `${g.url}/v1`, apiKey: tokenFor(newCaller()), maxRetries: 0 });
    const messages = [{ role: 'user' as const, content: 'Write a TypeScript function' }];
    try {
      await assert.rejects(
        client.chat.completions.create({ model: MODEL, messages }),
        (err: unknown) =>
          err instanceof OpenAI.APIError && err.status === 504 && err.code === 'backend_timeout',
      );
      slow.setLatency({ firstTokenMs: 0, interTokenMs: 1000 });
      const res = await g.fetchAs(newCaller(), '/v1/chat/completions', {
        method: 'POST',
        body: JSON.stringify({ model: MODEL, messages, stream: true }),
      });
      assert.equal(res.status, 200);
      const text = await res.text();
      assert.match(text, /"code":"backend_timeout"/);
      assert.match(text, /no data for 100 ms/);
      await slow.waitForIdle();
    } finally {
      await g.close();
      await slow.close();
    }
  });
});
