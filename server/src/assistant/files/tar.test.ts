import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { AppError } from '../../platform/errors.js';
import { unsafePathReason } from './paths.js';
import { readTarGz } from './tar.js';

const LIMITS = { maxUnpackedBytes: 4 * 1024 * 1024, maxEntries: 100 };

/** Runs GNU tar (the real archiver) in `cwd` and returns the .tar.gz it wrote. */
async function tarGz(cwd: string, args: string[]): Promise<Buffer> {
  const out = join(cwd, '..', `out-${Math.random().toString(36).slice(2)}.tgz`);
  execFileSync('tar', ['-czf', out, ...args], { cwd });
  return readFile(out);
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof AppError, String(err));
    return err.code;
  }
  return 'resolved';
}

describe('reading uploaded .tar.gz archives', () => {
  let root: string;
  let project: string;

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'aila-tar-'));
    project = join(root, 'project');
    const files: Record<string, string> = {
      'src/index.ts': 'export const x = 1;\n',
      'src/deep/er/and/deeper/still/a-module-with-a-rather-long-name-that-needs-more-room.ts': 'export {};\n',
      'README.md': '# Demo\n',
    };
    for (const [path, content] of Object.entries(files)) {
      await mkdir(dirname(join(project, path)), { recursive: true });
      await writeFile(join(project, path), content);
    }
  });
  after(() => rm(root, { recursive: true, force: true }));

  test('returns the regular files of GNU and pax archives, without ./ and directories', async () => {
    for (const format of ['gnu', 'pax', 'ustar']) {
      const files = await readTarGz(await tarGz(project, [`--format=${format}`, '.']), LIMITS);
      const paths = files.map((f) => f.path).sort();
      assert.deepEqual(paths, [
        'README.md',
        'src/deep/er/and/deeper/still/a-module-with-a-rather-long-name-that-needs-more-room.ts',
        'src/index.ts',
      ]);
      assert.equal(files.find((f) => f.path === 'src/index.ts')?.data.toString(), 'export const x = 1;\n');
    }
  });

  test('refuses symbolic and hard links, and paths that leave the project', async () => {
    const links = join(root, 'links');
    await mkdir(links, { recursive: true });
    await writeFile(join(links, 'real.txt'), 'x');
    await symlink('/etc/passwd', join(links, 'passwd'));
    assert.equal(await codeOf(readTarGz(await tarGz(links, ['.']), LIMITS)), 'ARCHIVE_UNSAFE_ENTRY');
    const hard = join(root, 'hard');
    await mkdir(hard, { recursive: true });
    await writeFile(join(hard, 'a.txt'), 'x');
    execFileSync('ln', [join(hard, 'a.txt'), join(hard, 'b.txt')]);
    assert.equal(await codeOf(readTarGz(await tarGz(hard, ['.']), LIMITS)), 'ARCHIVE_UNSAFE_ENTRY');
    // -P keeps "../" and absolute names in the archive, as an attacker's tool would.
    const escaping = await tarGz(project, ['-P', '../project/README.md']);
    try {
      await readTarGz(escaping, LIMITS);
      assert.fail('accepted');
    } catch (err) {
      assert.ok(err instanceof AppError);
      assert.equal(err.code, 'ARCHIVE_UNSAFE_ENTRY');
      assert.deepEqual(err.details, [
        { entry: '../project/README.md', reason: 'leaves the project folder (..)' },
      ]);
    }
    const absolute = await tarGz(project, ['-P', join(project, 'README.md')]);
    assert.equal(await codeOf(readTarGz(absolute, LIMITS)), 'ARCHIVE_UNSAFE_ENTRY');
  });

  test('stops at the unpacked size and entry limits (gzip bombs cost no more than the limit)', async () => {
    const bomb = join(root, 'bomb');
    await mkdir(bomb, { recursive: true });
    await writeFile(join(bomb, 'zeros.bin'), Buffer.alloc(8 * 1024 * 1024));
    const archive = await tarGz(bomb, ['.']);
    assert.ok(archive.length < 64 * 1024, 'compresses to almost nothing');
    assert.equal(await codeOf(readTarGz(archive, LIMITS)), 'ARCHIVE_TOO_LARGE');
    assert.equal(
      await codeOf(readTarGz(await tarGz(project, ['.']), { ...LIMITS, maxEntries: 3 })),
      'ARCHIVE_TOO_LARGE',
    );
  });

  test('refuses what is not a gzip tar: plain bytes, corrupt gzip, bad checksums, truncation', async () => {
    assert.equal(
      await codeOf(readTarGz(Buffer.from('hello world, not an archive'), LIMITS)),
      'ARCHIVE_INVALID',
    );
    const good = await tarGz(project, ['.']);
    const corrupt = Buffer.from(good);
    corrupt.fill(0x55, 20, 60);
    assert.equal(await codeOf(readTarGz(corrupt, LIMITS)), 'ARCHIVE_INVALID');
    const header = Buffer.alloc(512);
    header.write('a.txt', 0);
    header.write('0000644\0', 100);
    header.write('00000000004\0', 124);
    header.write('99999\0 ', 148);
    header.write('0', 156);
    assert.equal(
      await codeOf(readTarGz(gzipSync(Buffer.concat([header, Buffer.alloc(1024)])), LIMITS)),
      'ARCHIVE_INVALID',
    );
    const tar = execFileSync('tar', ['-cf', '-', '.'], { cwd: project });
    assert.equal(await codeOf(readTarGz(gzipSync(tar.subarray(0, 700)), LIMITS)), 'ARCHIVE_INVALID');
  });

  test('safe paths: relative, forward slashes, inside the project', () => {
    assert.equal(unsafePathReason('src/a.ts'), undefined);
    assert.equal(unsafePathReason('.github/workflows/ci.yml'), undefined);
    for (const bad of [
      '',
      '/etc/passwd',
      '../x',
      'a/../../x',
      'C:/x',
      'a\\b',
      'a//b',
      './a',
      'a\u0000b',
      'x'.repeat(301),
    ])
      assert.ok(unsafePathReason(bad), JSON.stringify(bad));
  });
});
