/**
 * The root typecheck covers server/**; this runs TypeScript (strict) over the UI's browser code and
 * over these tests, each with its own configuration.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../..');
const TSC = resolve(ROOT, 'node_modules/typescript/bin/tsc');

for (const project of ['admin-ui/tsconfig.json', 'admin-ui/tests/tsconfig.json']) {
  test(`tsc -p ${project} reports no error`, async () => {
    const result = await run(process.execPath, [TSC, '-p', project, '--noEmit', '--pretty', 'false'], {
      cwd: ROOT,
      maxBuffer: 16 * 1024 * 1024,
    }).then(
      () => '',
      (err: { stdout?: string; stderr?: string }) => `${err.stdout ?? ''}${err.stderr ?? ''}`,
    );
    assert.equal(result, '');
  });
}
