/**
 * Deterministic answers of the simulated coding model: the same prompt always gives the
 * same text, so tests, receipts and benchmarks are reproducible, while a newcomer using
 * `aila dev` still sees answers shaped like a coding assistant's.
 */
import { LANGUAGES, type Language, TYPESCRIPT } from './code-templates.js';
import { fnv1a } from './tokenizer.js';

const CODE_REQUEST =
  /\b(code|function|method|class|script|snippet|implement\w*|write|program|regex|algorithm|refactor|example|query|unit tests?)\b|```/i;
const GREETING = /^\s*(hi|hello|hey|good (morning|afternoon|evening)|bonjour|hallo)\b/i;

/** Words that describe the request rather than its subject, left out of identifiers. */
const FILLER = new Set(
  (
    'a an the and or of for to in on with that which this it is are be can could would should ' +
    'please me my i you we us our your write create make give show implement implementation code ' +
    'function method class script snippet program example using use into from by as how what ' +
    'small simple quick short some new returns return takes take query regex algorithm refactor' +
    ' python py typescript ts javascript js node go golang rust sql bash shell java' +
    ' if else while do def let const var delete switch case break continue try catch finally' +
    ' throw import export default yield await async static public private'
  ).split(' '),
);

/** One-line excerpt of the prompt, at most 80 characters. */
export function excerpt(text: string): string {
  // Only the head can appear in the excerpt: skip normalising the rest of a long prompt.
  const line = text.slice(0, 400).replace(/\s+/g, ' ').replace(/["“”]/g, "'").trim();
  if (line.length === 0) return 'your request';
  return line.length <= 80 ? line : `${line.slice(0, 77).trimEnd()}...`;
}

/** An identifier named after the request's subject, in the language's naming style. */
export function identifier(text: string, naming: Language['naming']): string {
  const words = (
    text
      .slice(0, 400)
      .toLowerCase()
      .match(/[a-z][a-z0-9]*/g) ?? []
  )
    .filter((w) => w.length > 1 && !FILLER.has(w))
    .slice(0, 3);
  const parts = words.length > 0 ? words : ['normalize', 'items'];
  if (naming === 'snake') return parts.join('_');
  const pascal = parts.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');
  return naming === 'pascal' ? pascal : pascal.charAt(0).toLowerCase() + pascal.slice(1);
}

function pick<T>(options: readonly T[], text: string, salt: number): T {
  return options[fnv1a(text, salt) % options.length] as T;
}

function codeAnswer(text: string): string {
  const language = LANGUAGES.find((entry) => entry.pattern.test(text))?.language ?? TYPESCRIPT;
  const name = identifier(text, language.naming);
  const closing = pick(
    [
      'Adapt the body to your exact rules and add a unit test that covers empty input.',
      'If the input can be large, stream it instead of building the whole list in memory.',
      'Keep the function pure like this so it stays trivial to test.',
    ],
    text,
    0x9e3779b9,
  );
  return [
    `Here is a small ${language.label} implementation, \`${name}\`, for: "${excerpt(text)}".`,
    '',
    `\`\`\`${language.fence}`,
    language.render(name),
    '```',
    '',
    'How it works:',
    '- It trims every item and skips empty ones, so callers can pass raw input.',
    '- It keeps the first occurrence of each value, so the output order is stable.',
    '- It has no dependencies, so you can paste it into a file and run it as is.',
    '',
    closing,
    '',
    '_Simulated answer: the AI-LA development backend returns this template for every code request, named after it._',
  ].join('\n');
}

function generalAnswer(text: string): string {
  const opener = pick(
    [
      'Short answer: it depends on your constraints, so here is a safe way to work it out.',
      'Good question. Here is how I would approach it in a codebase.',
      'Here is a practical way to tackle this, step by step.',
    ],
    text,
    0x85ebca6b,
  );
  return [
    `You asked: "${excerpt(text)}"`,
    '',
    opener,
    '',
    '1. Restate the goal in one sentence and list the constraints that matter (inputs, outputs, limits).',
    '2. Start with the smallest change that can be checked, and write a test that fails without it.',
    '3. Make the change, run the tests, then review the diff for naming, error handling and edge cases.',
    '',
    'Ask me for code (for example "write a TypeScript function that parses a CSV line") to get a runnable snippet.',
  ].join('\n');
}

/** The assistant's reply to the last user message of a chat. */
export function composeChatAnswer(userText: string): string {
  if (GREETING.test(userText) && userText.length < 40) {
    return (
      'Hello! I am the AI-LA development model, a simulator that answers deterministically. ' +
      'Ask me for code, for example "write a Python function that merges two sorted lists", ' +
      'or ask a question about your project.'
    );
  }
  return CODE_REQUEST.test(userText) ? codeAnswer(userText) : generalAnswer(userText);
}

/** The continuation of a raw `/v1/completions` prompt. */
export function composeCompletion(prompt: string): string {
  const lastLine = prompt.trimEnd().split('\n').pop() ?? '';
  if (/^\s*(async\s+)?def\s|:\s*$/.test(lastLine)) {
    const indent = `${lastLine.match(/^\s*/)?.[0] ?? ''}    `;
    return `\n${indent}result = []\n${indent}for item in items:\n${indent}    result.append(item)\n${indent}return result\n`;
  }
  if (/[{(]\s*$|=>\s*$|^\s*(export\s+)?(async\s+)?(function|fn|func)\b/.test(lastLine)) {
    const indent = `${lastLine.match(/^\s*/)?.[0] ?? ''}  `;
    return `\n${indent}const result = [];\n${indent}for (const item of items) {\n${indent}  result.push(item);\n${indent}}\n${indent}return result;\n}\n`;
  }
  return (
    ' This continuation comes from the AI-LA development simulator. It stays on the topic of the ' +
    `prompt ("${excerpt(prompt)}") and ends after a few sentences, so clients, gateways and ` +
    'benchmarks see realistic text and token counts.'
  );
}
