import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { FileSecretWatcher } from './file-secret-watcher.js';

/** The kubelet's atomic writer layout: `<name>` → `..data/<name>`, `..data` → a timestamped directory. */
function projectedVolume(files: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), 'aila-secret-volume-'));
  let generation = 0;
  const publish = (content: Record<string, string>) => {
    const target = `..2026_01_01_00_00_00.${String(++generation).padStart(9, '0')}`;
    mkdirSync(join(dir, target));
    for (const [name, value] of Object.entries(content)) writeFileSync(join(dir, target, name), value);
    symlinkSync(target, join(dir, '..data_tmp'));
    renameSync(join(dir, '..data_tmp'), join(dir, '..data')); // the atomic swap
    if (generation > 1)
      rmSync(join(dir, `..2026_01_01_00_00_00.${String(generation - 1).padStart(9, '0')}`), {
        recursive: true,
      });
  };
  publish(files);
  for (const name of Object.keys(files)) symlinkSync(join('..data', name), join(dir, name));
  return { dir, publish };
}

const nextValue = (watcher: FileSecretWatcher, path: string) =>
  new Promise<string>((resolve) => {
    void watcher.watch(path, (value) => resolve(value));
  });

describe('FileSecretWatcher', () => {
  test('follows a Kubernetes / Secrets Store CSI symlink swap', async () => {
    const volume = projectedVolume({ 'client-secret': 'one\n', other: 'x' });
    const watcher = new FileSecretWatcher({ debounceMs: 10, pollIntervalMs: 0, persistent: true });
    try {
      const path = join(volume.dir, 'client-secret');
      assert.equal(await watcher.watch(path, () => undefined), 'one', 'trailing newline dropped');
      const changed = nextValue(watcher, path);
      volume.publish({ 'client-secret': 'two\n', other: 'x' });
      assert.equal(await changed, 'two');
      assert.equal(watcher.current(path), 'two');
    } finally {
      watcher.close();
      rmSync(volume.dir, { recursive: true });
    }
  });

  test('follows a Vault Agent render (temporary file renamed over the old one)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aila-vault-agent-'));
    const path = join(dir, 'database-url');
    writeFileSync(path, 'postgresql://a@db/aila');
    const watcher = new FileSecretWatcher({ debounceMs: 10, pollIntervalMs: 0, persistent: true });
    try {
      const seen: string[] = [];
      await watcher.watch(path, (value) => seen.push(value));
      const changed = nextValue(watcher, path);
      writeFileSync(join(dir, '.database-url.tmp'), 'postgresql://b@db/aila');
      renameSync(join(dir, '.database-url.tmp'), path);
      assert.equal(await changed, 'postgresql://b@db/aila');
      // Rewriting the same content notifies nobody.
      writeFileSync(path, 'postgresql://b@db/aila');
      await watcher.reload();
      assert.deepEqual(seen, ['postgresql://b@db/aila']);
    } finally {
      watcher.close();
      rmSync(dir, { recursive: true });
    }
  });

  test('a file missing mid-swap keeps its last value and reports the error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aila-secret-gone-'));
    const path = join(dir, 'token');
    writeFileSync(path, 'kept');
    const errors: string[] = [];
    const watcher = new FileSecretWatcher({
      debounceMs: 10,
      pollIntervalMs: 0,
      persistent: true,
      onError: (err) => errors.push(err.message),
    });
    try {
      await watcher.watch(path, () => assert.fail('no change expected'));
      rmSync(path);
      await watcher.reload();
      assert.equal(watcher.current(path), 'kept');
      assert.match(errors[0] ?? '', /ENOENT/);
      await assert.rejects(
        watcher.watch(join(dir, 'absent'), () => undefined),
        /ENOENT/,
      );
    } finally {
      watcher.close();
      rmSync(dir, { recursive: true });
    }
  });
});
