import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { composeChatAnswer, composeCompletion } from './answer.js';

describe('composeChatAnswer', () => {
  test('is deterministic', () => {
    const prompt = 'How do I keep secrets out of my logs?';
    assert.equal(composeChatAnswer(prompt), composeChatAnswer(prompt));
  });

  test('answers a code request with markdown and a fenced block in the asked language', () => {
    const answer = composeChatAnswer('Write a Python function that parses CSV lines');
    assert.match(answer, /Python implementation, `parses_csv_lines`/);
    assert.match(answer, /```python\ndef parses_csv_lines\(items: list\[str\]\) -> list\[str\]:/);
    assert.equal(answer.split('```').length, 3, 'exactly one fenced block');
  });

  test('defaults to TypeScript and names identifiers in the language style', () => {
    assert.match(composeChatAnswer('implement a retry helper'), /```ts\nexport function retryHelper\(/);
    assert.match(composeChatAnswer('write a go function for parsing flags'), /func ParsingFlags\(/);
    assert.match(composeChatAnswer('write a sql query for active users'), /```sql\n-- active_users:/);
    assert.match(composeChatAnswer('a bash script to rotate logs'), /```bash\n/);
  });

  test('greets briefly and otherwise echoes the question with steps', () => {
    assert.match(composeChatAnswer('hello'), /^Hello! I am the AI-LA development model/);
    const answer = composeChatAnswer('Why is my build slow?');
    assert.match(answer, /^You asked: "Why is my build slow\?"/);
    assert.doesNotMatch(answer, /```/);
  });

  test('keeps the echoed prompt to one short line', () => {
    const answer = composeChatAnswer(`Explain ${'very '.repeat(50)}long\nmulti-line "quoted" text`);
    const first = answer.split('\n')[0] ?? '';
    assert.ok(first.length < 100, first);
    assert.doesNotMatch(first, /"quoted"/);
  });
});

describe('composeCompletion', () => {
  test('continues a Python definition with an indented body', () => {
    assert.match(composeCompletion('def add(a, b):'), /^\n {4}result = \[\]/);
  });

  test('continues a brace-language function and closes it', () => {
    const text = composeCompletion('function add(a, b) {');
    assert.match(text, /^\n {2}const result = \[\];/);
    assert.ok(text.endsWith('}\n'));
  });

  test('continues prose deterministically', () => {
    const text = composeCompletion('Once upon a time');
    assert.match(text, /^ This continuation/);
    assert.equal(text, composeCompletion('Once upon a time'));
  });
});
