import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { countTokens, fnv1a, splitTokens } from './tokenizer.js';

describe('tokenizer', () => {
  test('tokens concatenate back to the text', () => {
    const samples = [
      'Hello, world!',
      '  leading and trailing  \n',
      'const x = foo(bar, 42);\n\treturn x;',
      'ünïcödé 漢字 and emoji 🚀 mixed',
      '<|im_start|>user\nhi<|im_end|>\n',
      '',
    ];
    for (const text of samples) assert.equal(splitTokens(text).join(''), text);
  });

  test('counts words, punctuation and special tokens consistently with splitting', () => {
    assert.deepEqual(splitTokens('Hello, world!'), ['Hello', ',', ' world', '!']);
    assert.deepEqual(splitTokens('<|im_start|>user\n'), ['<|im_start|>', 'user', '\n']);
    assert.deepEqual(splitTokens('a\n<|im_end|>'), ['a', '\n', '<|im_end|>']);
    for (const text of ['Hello, world!', 'x = 1 + 2', 'internationalization']) {
      assert.equal(countTokens(text), splitTokens(text).length);
    }
  });

  test('splits long words into pieces of at most 8 characters', () => {
    assert.deepEqual(splitTokens('internationalization'), ['internat', 'ionaliza', 'tion']);
  });

  test('counting is repeatable (no state leaks between calls)', () => {
    assert.equal(countTokens('one two three'), 3);
    assert.equal(countTokens('one two three'), 3);
    assert.equal(countTokens(''), 0);
  });

  test('fnv1a is stable', () => {
    assert.equal(fnv1a(''), 0x811c9dc5);
    assert.equal(fnv1a('a'), 0xe40c292c);
    assert.notEqual(fnv1a('a', 1), fnv1a('a'));
  });
});
