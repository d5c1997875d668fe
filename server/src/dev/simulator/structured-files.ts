/**
 * The simulated model's answer to a code generation request asking for JSON files (the assistant's
 * generate operation): the language's template function in a source file, a unit test for it in the
 * language's test runner, and for web frameworks a small route using it. Deterministic.
 */
import { excerpt, identifier } from './answer.js';
import { LANGUAGES, type Language, TYPESCRIPT } from './code-templates.js';

interface Layout {
  source: (name: string) => string;
  test: (name: string) => { path: string; content: string } | undefined;
  run: string;
}

const kebab = (name: string) =>
  name
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/_/g, '-')
    .toLowerCase();

const JS_TEST = (name: string, ext: 'ts' | 'js') => ({
  path: `src/${kebab(name)}.test.${ext}`,
  content: [
    "import assert from 'node:assert/strict';",
    "import { test } from 'node:test';",
    `import { ${name} } from './${kebab(name)}.js';`,
    '',
    `test('${name} trims, drops empty items and keeps first occurrences', () => {`,
    `  assert.deepEqual(${name}([' a ', 'b', '', 'a']), ['a', 'b']);`,
    '});',
    '',
  ].join('\n'),
});

const LAYOUTS: Record<string, Layout> = {
  TypeScript: {
    source: (n) => `src/${kebab(n)}.ts`,
    test: (n) => JS_TEST(n, 'ts'),
    run: 'node --import tsx --test',
  },
  JavaScript: { source: (n) => `src/${kebab(n)}.js`, test: (n) => JS_TEST(n, 'js'), run: 'node --test' },
  Python: {
    source: (n) => `${n}.py`,
    test: (n) => ({
      path: `tests/test_${n}.py`,
      content: `from ${n} import ${n}\n\n\ndef test_${n}():\n    assert ${n}([" a ", "b", "", "a"]) == ["a", "b"]\n`,
    }),
    run: 'pytest',
  },
  Go: {
    source: (n) => `${kebab(n).replace(/-/g, '_')}.go`,
    test: (n) => ({
      path: `${kebab(n).replace(/-/g, '_')}_test.go`,
      content: [
        'package main',
        '',
        'import (',
        '\t"reflect"',
        '\t"testing"',
        ')',
        '',
        `func Test${n}(t *testing.T) {`,
        `\tgot := ${n}([]string{" a ", "b", "", "a"})`,
        '\tif !reflect.DeepEqual(got, []string{"a", "b"}) {',
        '\t\tt.Fatalf("got %v", got)',
        '\t}',
        '}',
        '',
      ].join('\n'),
    }),
    run: 'go test ./...',
  },
  Rust: { source: (n) => `src/${n}.rs`, test: () => undefined, run: 'cargo test' },
  SQL: { source: (n) => `sql/${n}.sql`, test: () => undefined, run: 'psql -f' },
  Bash: { source: (n) => `scripts/${n}.sh`, test: () => undefined, run: 'bash' },
};

/** The body of a source file: Go needs its package clause, the others are the template as is. */
function sourceOf(language: Language, name: string): string {
  const code = language.render(name);
  return `${language.label === 'Go' ? `package main\n\n${code}` : code}\n`;
}

/** An Express router using the function, when the request names Express for a JS language. */
function route(
  language: Language,
  name: string,
  framework: string,
): { path: string; content: string } | undefined {
  if (!/express/i.test(framework) || !['TypeScript', 'JavaScript'].includes(language.label)) return undefined;
  const ext = language.label === 'TypeScript' ? 'ts' : 'js';
  return {
    path: `src/routes/${kebab(name)}.${ext}`,
    content: [
      "import { Router } from 'express';",
      `import { ${name} } from '../${kebab(name)}.js';`,
      '',
      `/** POST /${kebab(name)} with a JSON array of strings: answers the cleaned list. */`,
      'export const router = Router();',
      '',
      `router.post('/${kebab(name)}', (req, res) => {`,
      '  if (!Array.isArray(req.body)) {',
      "    res.status(400).json({ error: 'expected a JSON array of strings' });",
      '    return;',
      '  }',
      `  res.json(${name}(req.body.map(String)));`,
      '});',
      '',
    ].join('\n'),
  };
}

/** The fenced block after `Task:` in the prompt, else the whole prompt. */
function taskOf(prompt: string): string {
  const match = /Task:\n(`{3,})[^\n]*\n([\s\S]*?)\n\1/.exec(prompt);
  return (match?.[2] ?? prompt).trim();
}

/** The JSON answer `{summary, files, notes}` for a generate prompt. */
export function composeGeneratedFiles(prompt: string): string {
  const task = taskOf(prompt);
  const framework = /^Framework: (.+)$/m.exec(prompt)?.[1] ?? '';
  const wanted = /^Language: (.+)$/m.exec(prompt)?.[1] ?? '';
  const language =
    LANGUAGES.find((l) => l.pattern.test(wanted))?.language ??
    LANGUAGES.find((l) => l.pattern.test(`${framework} ${task}`))?.language ??
    TYPESCRIPT;
  const layout = LAYOUTS[language.label] ?? (LAYOUTS.TypeScript as Layout);
  const name = identifier(task, language.naming);
  const test = layout.test(name);
  const files = [
    { path: layout.source(name), language: language.label.toLowerCase(), content: sourceOf(language, name) },
    ...(test ? [{ ...test, language: language.label.toLowerCase() }] : []),
    ...[route(language, name, framework)].flatMap((r) =>
      r ? [{ ...r, language: language.label.toLowerCase() }] : [],
    ),
  ];
  return JSON.stringify({
    summary: `Adds \`${name}\` in ${language.label} for "${excerpt(task)}"${test ? ', with a unit test' : ''}. Run it with \`${layout.run}\`.`,
    files,
    notes: [
      'Simulated answer: the AI-LA development backend writes this template for every generate request, named after it.',
    ],
  });
}
