import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { generate } from './generation.js';
import { splitTokens } from './tokenizer.js';

const ANSWER = 'The quick brown fox jumps over the lazy dog. END of story.';
const open = { stop: [], maxTokens: 1000, minTokens: 0, ignoreEos: false } as const;

describe('generate', () => {
  test('returns the whole answer when nothing limits it', () => {
    const g = generate(ANSWER, open);
    assert.equal(g.text, ANSWER);
    assert.deepEqual(g.tokens, splitTokens(ANSWER));
    assert.equal(g.finishReason, 'stop');
    assert.equal(g.stopReason, null);
  });

  test('cuts at the earliest stop string and reports it', () => {
    const g = generate(ANSWER, { ...open, stop: ['lazy', ' fox'] });
    assert.equal(g.text, 'The quick brown');
    assert.equal(g.finishReason, 'stop');
    assert.equal(g.stopReason, ' fox');
    assert.equal(g.tokens.join(''), g.text);
  });

  test('cuts at max_tokens with finish_reason length', () => {
    const g = generate(ANSWER, { ...open, maxTokens: 3 });
    assert.deepEqual(g.tokens, ['The', ' quick', ' brown']);
    assert.equal(g.text, 'The quick brown');
    assert.equal(g.finishReason, 'length');
    assert.equal(g.stopReason, null);
  });

  test('max_tokens wins over a stop string beyond the budget', () => {
    const g = generate(ANSWER, { ...open, stop: ['END'], maxTokens: 2 });
    assert.equal(g.finishReason, 'length');
    assert.equal(g.stopReason, null);
  });

  test('ignore_eos generates exactly max_tokens tokens', () => {
    const g = generate(ANSWER, { ...open, maxTokens: 50, ignoreEos: true });
    assert.equal(g.tokens.length, 50);
    assert.equal(g.finishReason, 'length');
    assert.ok(g.text.startsWith(`${ANSWER}\n\nThe quick`));
  });

  test('min_tokens extends a short answer', () => {
    const g = generate('Hi there.', { ...open, minTokens: 10 });
    assert.equal(g.tokens.length, 10);
    assert.equal(g.finishReason, 'stop');
  });
});
