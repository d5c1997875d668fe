import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import OpenAI from 'openai';
import { type RunningSimulator, startSimulator } from './server.js';
import { countTokens } from './tokenizer.js';

const MODEL = 'ai-la/sim-coder-7b';

describe('simulator: /v1/chat/completions through the openai client', () => {
  let sim: RunningSimulator;
  let client: OpenAI;

  before(async () => {
    sim = await startSimulator({ port: 0 });
    client = new OpenAI({ baseURL: `${sim.url}/v1`, apiKey: 'unused', maxRetries: 0 });
  });
  after(() => sim.close());

  test('non-streaming answer has vLLM shape, consistent usage and is deterministic', async () => {
    const messages = [
      { role: 'user' as const, content: 'Write a TypeScript function that slugifies titles' },
    ];
    const first = await client.chat.completions.create({ model: MODEL, messages });
    assert.match(first.id, /^chatcmpl-[0-9a-f]{32}$/);
    assert.equal(first.object, 'chat.completion');
    assert.equal(first.model, MODEL);
    assert.ok(Number.isInteger(first.created));
    const choice = first.choices[0];
    assert.ok(choice);
    assert.equal(choice.index, 0);
    assert.equal(choice.finish_reason, 'stop');
    assert.equal(choice.logprobs, null);
    assert.equal(choice.message.role, 'assistant');
    assert.deepEqual(choice.message.tool_calls, []);
    const raw = choice as unknown as { stop_reason: unknown };
    assert.equal(raw.stop_reason, null);
    const content = choice.message.content ?? '';
    assert.match(content, /```ts\n/);
    assert.equal(first.usage?.completion_tokens, countTokens(content));
    assert.equal(first.usage?.total_tokens, (first.usage?.prompt_tokens ?? 0) + countTokens(content));
    assert.equal((first.usage as unknown as { prompt_tokens_details: unknown }).prompt_tokens_details, null);

    const second = await client.chat.completions.create({ model: MODEL, messages });
    assert.equal(second.choices[0]?.message.content, content);
    assert.deepEqual(second.usage, first.usage);
    assert.notEqual(second.id, first.id);
  });

  test('the model may be omitted and content may be a list of parts', async () => {
    const response = await client.chat.completions.create({
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Why is my build slow?' }] }],
    } as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming);
    assert.equal(response.model, MODEL);
    assert.match(response.choices[0]?.message.content ?? '', /Why is my build slow\?/);
  });

  test('prompt tokens grow with the conversation', async () => {
    const short = await client.chat.completions.create({
      model: MODEL,
      messages: [{ role: 'user', content: 'hi' }],
    });
    const long = await client.chat.completions.create({
      model: MODEL,
      messages: [
        { role: 'system', content: 'You are a careful reviewer.' },
        { role: 'user', content: 'hi' },
      ],
    });
    assert.ok((long.usage?.prompt_tokens ?? 0) > (short.usage?.prompt_tokens ?? 0));
  });

  test('max_tokens and max_completion_tokens cut with finish_reason length', async () => {
    const messages = [{ role: 'user' as const, content: 'Explain dependency injection' }];
    const a = await client.chat.completions.create({ model: MODEL, messages, max_tokens: 5 });
    assert.equal(a.choices[0]?.finish_reason, 'length');
    assert.equal(a.usage?.completion_tokens, 5);
    const b = await client.chat.completions.create({
      model: MODEL,
      messages,
      max_tokens: 50,
      max_completion_tokens: 3,
    });
    assert.equal(b.usage?.completion_tokens, 3);
  });

  test('stop strings end the answer early and are reported in stop_reason', async () => {
    const response = await client.chat.completions.create({
      model: MODEL,
      messages: [{ role: 'user', content: 'Write a python function to add numbers' }],
      stop: ['```'],
    });
    const choice = response.choices[0];
    assert.equal(choice?.finish_reason, 'stop');
    assert.equal((choice as unknown as { stop_reason: unknown }).stop_reason, '```');
    assert.ok(!(choice?.message.content ?? '').includes('```'));
  });

  test('streaming: role chunk, content deltas, finish chunk, usage chunk, then [DONE]', async () => {
    const messages = [{ role: 'user' as const, content: 'Write a Rust function that reverses words' }];
    const whole = await client.chat.completions.create({ model: MODEL, messages });
    const stream = await client.chat.completions.create({
      model: MODEL,
      messages,
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks: OpenAI.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);

    const [first, ...rest] = chunks;
    assert.deepEqual(first?.choices[0]?.delta, { role: 'assistant', content: '' });
    const usageChunk = rest.pop();
    assert.deepEqual(usageChunk?.choices, []);
    assert.deepEqual(
      usageChunk?.usage,
      whole.usage && {
        prompt_tokens: whole.usage.prompt_tokens,
        total_tokens: whole.usage.total_tokens,
        completion_tokens: whole.usage.completion_tokens,
      },
    );
    const finishes = rest.map((c) => c.choices[0]?.finish_reason ?? null);
    assert.deepEqual(finishes.slice(0, -1), new Array(rest.length - 1).fill(null));
    assert.equal(finishes.at(-1), 'stop');
    const text = rest.map((c) => c.choices[0]?.delta.content ?? '').join('');
    assert.equal(text, whole.choices[0]?.message.content);
    assert.equal(rest.length, whole.usage?.completion_tokens, 'one token per chunk by default');
    assert.ok(chunks.every((c) => c.id === first?.id && c.object === 'chat.completion.chunk'));
  });

  test('streaming without include_usage sends no usage chunk', async () => {
    const stream = await client.chat.completions.create({
      model: MODEL,
      messages: [{ role: 'user', content: 'hello' }],
      stream: true,
      max_tokens: 4,
    });
    const chunks: OpenAI.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    assert.equal(chunks.length, 1 + 4);
    assert.ok(chunks.every((c) => c.choices.length === 1 && c.usage === undefined));
    assert.equal(chunks.at(-1)?.choices[0]?.finish_reason, 'length');
  });
});

describe('simulator: chat streaming options', () => {
  test('tokensPerChunk groups tokens, and latency can change at runtime', async () => {
    const sim = await startSimulator({ tokensPerChunk: 4 });
    try {
      const client = new OpenAI({ baseURL: `${sim.url}/v1`, apiKey: 'unused', maxRetries: 0 });
      sim.setLatency({ firstTokenMs: 1, interTokenMs: 1 });
      const stream = await client.chat.completions.create({
        model: MODEL,
        messages: [{ role: 'user', content: 'Why do tests flake?' }],
        stream: true,
        max_tokens: 10,
      });
      const deltas: string[] = [];
      for await (const chunk of stream) deltas.push(chunk.choices[0]?.delta.content ?? '');
      // role chunk + ceil(10 / 4) content chunks
      assert.equal(deltas.length, 1 + 3);
      assert.equal(countTokens(deltas.join('')), 10);
      assert.throws(() => sim.setLatency({ firstTokenMs: -1 }), TypeError);
    } finally {
      await sim.close();
    }
  });
});
