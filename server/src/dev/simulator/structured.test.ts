import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { structuredAnswer } from './structured.js';

const schema = (properties: Record<string, unknown>) => ({
  response_format: {
    type: 'json_schema',
    json_schema: { name: 'x', schema: { type: 'object', properties } },
  },
});

describe('structured outputs of the simulated model', () => {
  test('a generate schema gets source and test files named after the task', () => {
    const prompt =
      'Task:\n```\nWrite a function that normalizes tags\n```\n\nFramework: express\n\nLanguage: TypeScript';
    const answer = JSON.parse(structuredAnswer(schema({ files: {} }), prompt) ?? '') as {
      files: Array<{ path: string; language: string; content: string }>;
      summary: string;
    };
    assert.deepEqual(
      answer.files.map((f) => f.path),
      ['src/normalizes-tags.ts', 'src/normalizes-tags.test.ts', 'src/routes/normalizes-tags.ts'],
    );
    assert.match(answer.files[0]?.content ?? '', /export function normalizesTags\(/);
    assert.match(answer.summary, /TypeScript/);
    const python = JSON.parse(
      structuredAnswer(schema({ files: {} }), 'Task:\n```\nparse csv rows in python\n```') ?? '',
    );
    assert.deepEqual(
      (python as { files: Array<{ path: string }> }).files.map((f) => f.path),
      ['parse_csv_rows.py', 'tests/test_parse_csv_rows.py'],
    );
  });

  test('an analyze schema gets findings on the numbered lines of the files shown', () => {
    const listing = [
      'File: src/db.ts (typescript, 3 lines)',
      '```typescript',
      "1| const password = 'hunter22';",
      '2| // TODO: pool connections',
      "3| db.query('SELECT * FROM users WHERE id = ' + id);",
      '```',
    ].join('\n');
    const answer = JSON.parse(
      structuredAnswer(schema({ findings: {} }), `Review these files.\n\n${listing}`) ?? '',
    ) as {
      findings: Array<{ file: string; line: number; severity: string; category: string }>;
    };
    assert.deepEqual(
      answer.findings.map((f) => [f.file, f.line, f.severity, f.category]),
      [
        ['src/db.ts', 1, 'critical', 'security'],
        ['src/db.ts', 2, 'low', 'maintainability'],
        ['src/db.ts', 3, 'high', 'security'],
      ],
    );
  });

  test('other schemas get a minimal instance, json_object an object, text plain text', () => {
    const body = {
      response_format: {
        type: 'json_schema',
        json_schema: {
          name: 'y',
          schema: {
            type: 'object',
            properties: {
              n: { type: 'integer', minimum: 3 },
              kind: { enum: ['a', 'b'] },
              tags: { type: 'array' },
            },
          },
        },
      },
    };
    assert.deepEqual(JSON.parse(structuredAnswer(body, 'x') ?? ''), { n: 3, kind: 'a', tags: [] });
    assert.ok(
      'answer' in JSON.parse(structuredAnswer({ response_format: { type: 'json_object' } }, 'hi') ?? ''),
    );
    assert.equal(structuredAnswer({ response_format: { type: 'text' } }, 'hi'), undefined);
    assert.equal(structuredAnswer({}, 'hi'), undefined);
    assert.throws(() => structuredAnswer({ response_format: { type: 'xml' } }, 'hi'), /response_format.type/);
  });
});
