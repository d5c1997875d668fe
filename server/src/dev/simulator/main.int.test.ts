import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));

function launch(args: string[], env: NodeJS.ProcessEnv = process.env) {
  return spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

describe('simulator main (standalone entry)', () => {
  test('prints its URL, serves, and exits 0 on SIGTERM', { timeout: 60_000 }, async () => {
    const child = launch(['--port', '0', '--models', 'bench/model-a', '--inter-token-ms', '0']);
    const exited = once(child, 'exit');
    try {
      let out = '';
      child.stdout.setEncoding('utf8');
      for await (const chunk of child.stdout) {
        out += chunk as string;
        if (out.includes('\n')) break;
      }
      const url = out.trim();
      assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
      const models = (await (await fetch(`${url}/v1/models`)).json()) as { data: Array<{ id: string }> };
      assert.deepEqual(
        models.data.map((m) => m.id),
        ['bench/model-a'],
      );
    } finally {
      child.kill('SIGTERM');
    }
    const [code] = await exited;
    assert.equal(code, 0);
  });

  test('refuses to start with NODE_ENV=production', { timeout: 60_000 }, async () => {
    const child = launch(['--port', '0'], { ...process.env, NODE_ENV: 'production' });
    let err = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      err += chunk;
    });
    const [code] = await once(child, 'exit');
    assert.equal(code, 1);
    assert.match(err, /refusing to start with NODE_ENV=production/);
  });

  test('rejects unknown options with usage and exit code 2', { timeout: 60_000 }, async () => {
    const child = launch(['--bogus']);
    let err = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      err += chunk;
    });
    const [code] = await once(child, 'exit');
    assert.equal(code, 2);
    assert.match(err, /Usage: simulator/);
  });
});
