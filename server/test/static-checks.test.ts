import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { spliceConfigReference } from '../src/config/docs.js';
import { REPO_ROOT } from './support/process.js';

const run = (command: string, args: string[]) => {
  const result = spawnSync(command, args, { cwd: REPO_ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { code: result.status, output: `${result.stdout}${result.stderr}` };
};
const bin = (name: string) => join(REPO_ROOT, 'node_modules', '.bin', name);

describe('static checks', () => {
  test('biome: lint and format are clean', () => {
    const { code, output } = run(bin('biome'), ['check', '.']);
    assert.equal(code, 0, output);
  });

  test('TypeScript strict typecheck of the whole repository', () => {
    const { code, output } = run(bin('tsc'), ['-p', 'tsconfig.json', '--noEmit']);
    assert.equal(code, 0, output);
  });

  test('docs/configuration.md matches the configuration schema', () => {
    const path = join(REPO_ROOT, 'docs', 'configuration.md');
    const current = readFileSync(path, 'utf8');
    assert.equal(
      current,
      spliceConfigReference(current),
      'run: node --import tsx server/src/cli/index.ts config docs --write docs/configuration.md',
    );
  });
});
