import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { eventData, isDone, SseSplitter } from './sse.js';

const split = (chunks: string[]) => {
  const splitter = new SseSplitter();
  const events = chunks.flatMap((c) => splitter.push(Buffer.from(c)).map((e) => e.toString()));
  return { events, rest: splitter.rest().toString() };
};

describe('SSE splitter', () => {
  test('whole events, byte-exact, across arbitrary chunk boundaries', () => {
    const stream = 'data: {"a":1}\n\ndata: {"b":"é"}\n\ndata: [DONE]\n\n';
    const whole = split([stream]);
    assert.deepEqual(whole.events, ['data: {"a":1}\n\n', 'data: {"b":"é"}\n\n', 'data: [DONE]\n\n']);
    const bytes = Buffer.from(stream);
    for (let cut = 1; cut < bytes.length; cut++) {
      const splitter = new SseSplitter();
      const events = [...splitter.push(bytes.subarray(0, cut)), ...splitter.push(bytes.subarray(cut))].map(
        (e) => e.toString(),
      );
      assert.deepEqual(events, whole.events, `cut at ${cut}`);
    }
  });

  test('CRLF and CR line endings; an unfinished event stays pending', () => {
    assert.deepEqual(split(['data: x\r\n\r\ndata: y\r\rdata: z\n']), {
      events: ['data: x\r\n\r\n', 'data: y\r\r'],
      rest: 'data: z\n',
    });
    assert.deepEqual(split(['data: x\r\n\r', '\n']).events, ['data: x\r\n\r\n']);
  });

  test('data field and [DONE] marker', () => {
    assert.equal(eventData(Buffer.from('event: m\ndata: {"a":\ndata: 1}\n\n')), '{"a":\n1}');
    assert.equal(isDone(Buffer.from('data: [DONE]\n\n')), true);
    assert.equal(isDone(Buffer.from('data: {"done":true}\n\n')), false);
  });
});
