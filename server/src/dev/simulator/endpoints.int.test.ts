import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import OpenAI from 'openai';
import { embedText } from './embedding.js';
import { type RunningSimulator, startSimulator } from './server.js';

const MODELS = ['ai-la/sim-coder-7b', 'ai-la/sim-coder-1b'];

describe('simulator: completions, embeddings, models and errors', () => {
  let sim: RunningSimulator;
  let client: OpenAI;

  before(async () => {
    sim = await startSimulator({ models: MODELS, embeddingDimensions: 32, maxModelLen: 4096 });
    client = new OpenAI({ baseURL: `${sim.url}/v1`, apiKey: 'unused', maxRetries: 0 });
  });
  after(() => sim.close());

  const post = (path: string, body: string): Promise<Response> =>
    fetch(`${sim.url}${path}`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });

  test('completions: text_completion with usage, one choice per prompt', async () => {
    const single = await client.completions.create({ model: MODELS[1] as string, prompt: 'def add(a, b):' });
    assert.match(single.id, /^cmpl-[0-9a-f]{32}$/);
    assert.equal(single.object, 'text_completion');
    assert.equal(single.model, MODELS[1]);
    assert.match(single.choices[0]?.text ?? '', /^\n {4}result = \[\]/);
    assert.equal(single.choices[0]?.finish_reason, 'stop');

    const batch = await client.completions.create({
      model: MODELS[0] as string,
      prompt: ['Once upon a time', 'function f() {'],
      max_tokens: 6,
    });
    assert.deepEqual(
      batch.choices.map((c) => [c.index, c.finish_reason]),
      [
        [0, 'length'],
        [1, 'length'],
      ],
    );
    assert.equal(batch.usage?.completion_tokens, 12);
  });

  test('completions: streaming chunks carry usage null until the usage chunk', async () => {
    const stream = await client.completions.create({
      model: MODELS[0] as string,
      prompt: 'The quick brown fox',
      stream: true,
      stream_options: { include_usage: true },
      max_tokens: 5,
    });
    const chunks: OpenAI.Completion[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    assert.equal(chunks.length, 5 + 1);
    const usageChunk = chunks.pop();
    assert.deepEqual(usageChunk?.choices, []);
    assert.deepEqual(usageChunk?.usage, { prompt_tokens: 4, total_tokens: 9, completion_tokens: 5 });
    assert.ok(chunks.every((c) => c.usage === null && c.object === 'text_completion'));
    assert.equal(chunks.at(-1)?.choices[0]?.finish_reason, 'length');
  });

  test('embeddings: float vectors, token usage, dimensions', async () => {
    const response = await client.embeddings.create({
      model: MODELS[0] as string,
      input: ['hello world', 'kubernetes'],
      encoding_format: 'float',
    });
    assert.equal(response.object, 'list');
    assert.equal(response.model, MODELS[0]);
    assert.deepEqual(
      response.data.map((d) => [d.object, d.index, d.embedding.length]),
      [
        ['embedding', 0, 32],
        ['embedding', 1, 32],
      ],
    );
    assert.deepEqual(response.data[0]?.embedding, Array.from(embedText('hello world', 32)));
    // 'hello world' is 2 tokens; 'kubernetes' splits into 'kubernet' + 'es'.
    assert.equal(response.usage.prompt_tokens, 4);
    assert.equal(response.usage.total_tokens, 4);

    const small = await client.embeddings.create({
      model: MODELS[0] as string,
      input: 'hello world',
      dimensions: 8,
      encoding_format: 'float',
    });
    assert.equal(small.data[0]?.embedding.length, 8);
  });

  test('embeddings: base64 on request, and the client default (base64) decodes to the same floats', async () => {
    const explicit = await client.embeddings.create({
      model: MODELS[0] as string,
      input: 'hello world',
      encoding_format: 'base64',
    });
    const encoded = explicit.data[0]?.embedding as unknown as string;
    assert.equal(typeof encoded, 'string');
    const bytes = Buffer.from(encoded, 'base64');
    assert.equal(bytes.length, 32 * 4);

    const decoded = await client.embeddings.create({ model: MODELS[0] as string, input: 'hello world' });
    const floats = await client.embeddings.create({
      model: MODELS[0] as string,
      input: 'hello world',
      encoding_format: 'float',
    });
    assert.deepEqual(Array.from(decoded.data[0]?.embedding ?? []), floats.data[0]?.embedding);
  });

  test('models list, version and health', async () => {
    const models = await client.models.list();
    assert.deepEqual(
      models.data.map((m) => m.id),
      MODELS,
    );
    const card = models.data[0] as unknown as Record<string, unknown>;
    assert.equal(card.object, 'model');
    assert.equal(card.owned_by, 'vllm');
    assert.equal(card.root, MODELS[0]);
    assert.equal(card.parent, null);
    assert.equal(card.max_model_len, 4096);
    assert.equal((card.permission as Array<{ object: string }>)[0]?.object, 'model_permission');

    const version = await fetch(`${sim.url}/version`);
    assert.deepEqual(await version.json(), { version: '0.10.0' });
    const health = await fetch(`${sim.url}/health`);
    assert.equal(health.status, 200);
    assert.equal(await health.text(), '');
  });

  test('errors surface as openai APIError subclasses with vLLM statuses', async () => {
    await assert.rejects(
      client.chat.completions.create({ model: 'nope', messages: [{ role: 'user', content: 'x' }] }),
      (error: unknown) => error instanceof OpenAI.NotFoundError && error.status === 404,
    );
    await assert.rejects(
      client.chat.completions.create({ model: MODELS[0] as string, messages: [], n: 2 }),
      (error: unknown) => error instanceof OpenAI.BadRequestError && error.status === 400,
    );
    await assert.rejects(
      client.chat.completions.create({
        model: MODELS[0] as string,
        messages: [{ role: 'user', content: 'x' }],
        max_tokens: 5000,
      }),
      (error: unknown) => error instanceof OpenAI.BadRequestError,
    );
    await assert.rejects(
      client.embeddings.create({ model: MODELS[0] as string, input: 'x', dimensions: 64 }),
      (error: unknown) => error instanceof OpenAI.BadRequestError,
    );
  });

  test('error bodies use the flat vLLM shape', async () => {
    const cases: Array<[string, string, number, string, RegExp]> = [
      ['/v1/chat/completions', '{not json', 400, 'BadRequestError', /^JSON decode error/],
      ['/v1/chat/completions', '[1]', 400, 'BadRequestError', /valid dictionary/],
      ['/v1/chat/completions', '{}', 400, 'BadRequestError', /^messages: Field required$/],
      ['/v1/completions', '{}', 400, 'BadRequestError', /^prompt: Field required$/],
      ['/v1/embeddings', '{"input":[]}', 400, 'BadRequestError', /^input:/],
      [
        '/v1/chat/completions',
        '{"messages":[],"stream_options":{"include_usage":true}}',
        400,
        'BadRequestError',
        /stream=True/,
      ],
      [
        '/v1/completions',
        '{"prompt":"x","model":"m"}',
        404,
        'NotFoundError',
        /The model `m` does not exist\./,
      ],
    ];
    for (const [path, body, status, type, message] of cases) {
      const response = await post(path, body);
      assert.equal(response.status, status, `${path} ${body}`);
      const json = (await response.json()) as Record<string, unknown>;
      assert.equal(json.object, 'error');
      assert.equal(json.type, type);
      assert.equal(json.param, null);
      assert.equal(json.code, status);
      assert.match(String(json.message), message);
    }
  });

  test('unknown routes and wrong methods answer like FastAPI', async () => {
    const missing = await fetch(`${sim.url}/v2/nothing`);
    assert.equal(missing.status, 404);
    assert.deepEqual(await missing.json(), { detail: 'Not Found' });
    const wrong = await fetch(`${sim.url}/v1/chat/completions`);
    assert.equal(wrong.status, 405);
    assert.deepEqual(await wrong.json(), { detail: 'Method Not Allowed' });
  });
});

describe('simulator: nested error format (vLLM 0.10.1 and later)', () => {
  test('the openai client reads the message from the nested body', async () => {
    const sim = await startSimulator({ errorFormat: 'nested' });
    try {
      const client = new OpenAI({ baseURL: `${sim.url}/v1`, apiKey: 'unused', maxRetries: 0 });
      await assert.rejects(
        client.chat.completions.create({ model: 'missing', messages: [{ role: 'user', content: 'x' }] }),
        (error: unknown) =>
          error instanceof OpenAI.NotFoundError &&
          error.message === '404 The model `missing` does not exist.' &&
          error.type === 'NotFoundError' &&
          Number(error.code) === 404,
      );
      assert.deepEqual(await (await fetch(`${sim.url}/version`)).json(), { version: '0.11.0' });
    } finally {
      await sim.close();
    }
  });
});
