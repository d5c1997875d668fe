import assert from 'node:assert/strict';
import { request } from 'node:http';
import { describe, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import OpenAI from 'openai';
import { type RunningSimulator, startSimulator } from './server.js';
import type { SimulatorOptions } from './types.js';

const MODEL = 'ai-la/sim-coder-7b';
const ASK = [{ role: 'user' as const, content: 'Write a TypeScript function that parses a CSV line' }];

async function withSimulator(options: SimulatorOptions, run: (sim: RunningSimulator) => Promise<void>) {
  const sim = await startSimulator(options);
  try {
    await run(sim);
  } finally {
    await sim.close();
  }
}

function clientFor(sim: RunningSimulator, apiKey = 'unused', maxRetries = 0): OpenAI {
  return new OpenAI({ baseURL: `${sim.url}/v1`, apiKey, maxRetries });
}

/** Polls a condition; only the outcome is asserted, never how long it took. */
async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await delay(5);
  }
}

/** A long stream: vLLM's ignore_eos makes generation run to max_tokens. */
function longChat(maxTokens: number): OpenAI.ChatCompletionCreateParamsStreaming {
  const params: OpenAI.ChatCompletionCreateParamsStreaming & { ignore_eos: boolean } = {
    model: MODEL,
    messages: ASK,
    stream: true,
    max_tokens: maxTokens,
    ignore_eos: true,
  };
  return params;
}

describe('simulator: API key (vLLM --api-key)', () => {
  test('401 without the right bearer token on /v1, open elsewhere', () =>
    withSimulator({ apiKey: 'secret' }, async (sim) => {
      await assert.rejects(
        clientFor(sim, 'wrong').models.list(),
        (error: unknown) => error instanceof OpenAI.AuthenticationError && error.status === 401,
      );
      const raw = await fetch(`${sim.url}/v1/chat/completions`, { method: 'POST', body: '{}' });
      assert.equal(raw.status, 401);
      assert.deepEqual(await raw.json(), { error: 'Unauthorized' });
      const ok = await clientFor(sim, 'secret').chat.completions.create({ model: MODEL, messages: ASK });
      assert.equal(ok.choices[0]?.finish_reason, 'stop');
      assert.equal((await fetch(`${sim.url}/health`)).status, 200);
      assert.equal((await fetch(`${sim.url}/version`)).status, 200);
    }));
});

describe('simulator: fault injection', () => {
  test('failRate 1 answers every inference request with the configured status', () =>
    withSimulator({ fault: { failRate: 1 } }, async (sim) => {
      await assert.rejects(
        clientFor(sim).chat.completions.create({ model: MODEL, messages: ASK }),
        (error: unknown) => error instanceof OpenAI.InternalServerError && error.status === 503,
      );
      const raw = await fetch(`${sim.url}/v1/embeddings`, { method: 'POST', body: '{"input":"x"}' });
      assert.equal(raw.status, 503);
      const body = (await raw.json()) as Record<string, unknown>;
      assert.equal(body.type, 'ServiceUnavailableError');
      assert.equal(body.code, 503);
      assert.equal((await fetch(`${sim.url}/v1/models`)).status, 200, 'only inference endpoints fail');
      assert.equal(sim.stats().injectedFailures, 2);

      sim.setFault({ failRate: 1, status: 429 });
      await assert.rejects(
        clientFor(sim).completions.create({ model: MODEL, prompt: 'x' }),
        (error: unknown) => error instanceof OpenAI.RateLimitError,
      );
      sim.setFault({});
      await clientFor(sim).completions.create({ model: MODEL, prompt: 'x' });
    }));

  test('failRate 0.5 fails every second request, so one client retry succeeds', () =>
    withSimulator({ fault: { failRate: 0.5 } }, async (sim) => {
      const client = clientFor(sim, 'unused', 1);
      for (let call = 0; call < 2; call += 1) {
        const response = await client.chat.completions.create({ model: MODEL, messages: ASK });
        assert.equal(response.choices[0]?.finish_reason, 'stop');
      }
      // Request 1 served, request 2 failed, its retry (request 3) served.
      const stats = sim.stats();
      assert.equal(stats.requests['/v1/chat/completions'], 3);
      assert.equal(stats.injectedFailures, 1);
    }));

  test('healthy: false makes /health answer 503 until cleared', () =>
    withSimulator({}, async (sim) => {
      sim.setFault({ healthy: false });
      assert.deepEqual(sim.getFault(), { healthy: false });
      assert.equal((await fetch(`${sim.url}/health`)).status, 503);
      sim.setFault({});
      assert.equal((await fetch(`${sim.url}/health`)).status, 200);
      assert.equal(sim.stats().requests['/health'], 2);
      assert.throws(() => sim.setFault({ failRate: -1 }), TypeError);
    }));

  test('disconnectAfterChunks cuts a stream mid-way without [DONE]', () =>
    withSimulator({ fault: { disconnectAfterChunks: 3 } }, async (sim) => {
      const stream = await clientFor(sim).chat.completions.create({
        model: MODEL,
        messages: ASK,
        stream: true,
      });
      const received: OpenAI.ChatCompletionChunk[] = [];
      await assert.rejects(async () => {
        for await (const chunk of stream) received.push(chunk);
      });
      assert.equal(received.length, 3);
      assert.equal(received[0]?.choices[0]?.delta.role, 'assistant');
      assert.ok(received.every((c) => c.choices[0]?.finish_reason === null));
      await sim.waitForIdle();
      const stats = sim.stats();
      assert.equal(stats.injectedDisconnects, 1);
      assert.equal(stats.clientAborts, 0);
      assert.equal(stats.inFlight, 0);
    }));

  test('disconnectAfterChunks drops a non-streaming request before any byte', () =>
    withSimulator({ fault: { disconnectAfterChunks: 1 } }, async (sim) => {
      await assert.rejects(
        clientFor(sim).chat.completions.create({ model: MODEL, messages: ASK }),
        (error: unknown) => error instanceof OpenAI.APIConnectionError,
      );
      await sim.waitForIdle();
      assert.equal(sim.stats().injectedDisconnects, 1);
    }));
});

describe('simulator: client disconnects and backpressure', () => {
  test('a client that stops reading mid-stream frees the request', { timeout: 60_000 }, () =>
    withSimulator({ latency: { firstTokenMs: 1, interTokenMs: 2 } }, async (sim) => {
      const stream = await clientFor(sim).chat.completions.create(longChat(30_000));
      let seen = 0;
      for await (const _chunk of stream) {
        seen += 1;
        if (seen === 3) break; // ends the iteration, which aborts the HTTP request
      }
      await sim.waitForIdle();
      const stats = sim.stats();
      assert.equal(stats.inFlight, 0);
      assert.equal(stats.clientAborts, 1);
    }),
  );

  test('close() ends open streams and stops listening', { timeout: 60_000 }, async () => {
    const sim = await startSimulator({ latency: { interTokenMs: 2 } });
    const stream = await clientFor(sim).chat.completions.create(longChat(30_000));
    const iterator = stream[Symbol.asyncIterator]();
    await iterator.next();
    await sim.close();
    await assert.rejects(async () => {
      while (!(await iterator.next()).done) {
        // drain until the connection drop surfaces
      }
    });
    await assert.rejects(fetch(`${sim.url}/health`));
  });

  test(
    'a paused reader makes the stream wait for drain, and the stream completes intact',
    {
      timeout: 120_000,
    },
    () =>
      withSimulator({ maxModelLen: 1_000_000 }, async (sim) => {
        const tokens = 250_000;
        const body = JSON.stringify({
          model: MODEL,
          prompt: 'x',
          stream: true,
          max_tokens: tokens,
          ignore_eos: true,
        });
        const chunks: Buffer[] = [];
        const done = new Promise<void>((resolve, reject) => {
          const req = request(`${sim.url}/v1/completions`, { method: 'POST', agent: false }, (res) => {
            res.pause();
            until(() => sim.stats().backpressureWaits > 0, 'the simulator to wait for drain').then(() => {
              assert.equal(sim.stats().inFlight, 1);
              res.on('data', (chunk: Buffer) => chunks.push(chunk));
              res.on('end', resolve);
              res.resume();
            }, reject);
          });
          req.on('error', reject);
          req.end(body);
        });
        await done;
        const events = Buffer.concat(chunks)
          .toString('utf8')
          .split('\n\n')
          .filter((e) => e.length > 0);
        assert.equal(events.length, tokens + 1);
        assert.equal(events.at(-1), 'data: [DONE]');
        const last = JSON.parse((events.at(-2) ?? '').slice('data: '.length)) as OpenAI.Completion;
        assert.equal(last.choices[0]?.finish_reason, 'length');
        await sim.waitForIdle();
        assert.equal(sim.stats().clientAborts, 0);
      }),
  );
});
