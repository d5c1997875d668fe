import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import {
  END_OF_ARCHIVE,
  fileHeader,
  padding,
  readTar,
  TarFormatError,
  TruncatedArchiveError,
} from './tar.js';

const archive = (files: Array<[string, Buffer]>) =>
  Buffer.concat([
    ...files.flatMap(([path, data]) => [
      fileHeader(path, data.length, 1_700_000_000_000),
      data,
      padding(data.length),
    ]),
    END_OF_ARCHIVE,
  ]);

async function read(bytes: Buffer, chunk = 97): Promise<Array<[string, string]>> {
  async function* source() {
    for (let i = 0; i < bytes.length; i += chunk) yield bytes.subarray(i, i + chunk);
  }
  const out: Array<[string, string]> = [];
  for await (const entry of readTar(source())) {
    const parts: Buffer[] = [];
    for await (const c of entry.body) parts.push(c);
    out.push([entry.path, Buffer.concat(parts).toString()]);
  }
  return out;
}

describe('tar', () => {
  const long = `aila-export-x/${'deep/'.repeat(40)}file.txt`;
  const files: Array<[string, Buffer]> = [
    ['a/empty', Buffer.alloc(0)],
    ['a/one', Buffer.from('x')],
    ['a/block', Buffer.alloc(512, 'b')],
    [long, Buffer.from('long path')],
  ];

  test('round-trips members in order, long paths through pax headers, in any chunking', async () => {
    const bytes = archive(files);
    for (const chunk of [1, 97, 512, 1 << 20]) {
      assert.deepEqual(
        await read(bytes, chunk),
        files.map(([p, d]) => [p, d.toString()]),
      );
    }
  });

  test('system tar reads what is written', () => {
    const dir = mkdtempSync(join(tmpdir(), 'aila-tar-'));
    try {
      writeFileSync(join(dir, 'x.tar'), archive(files));
      execFileSync('tar', ['xf', 'x.tar'], { cwd: dir });
      assert.equal(readFileSync(join(dir, long), 'utf8'), 'long path');
      assert.equal(readFileSync(join(dir, 'a/block'), 'utf8'), 'b'.repeat(512));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a truncated archive or a bad header is an error, never a shorter archive', async () => {
    const bytes = archive(files);
    await assert.rejects(read(bytes.subarray(0, bytes.length - 512)), TruncatedArchiveError);
    await assert.rejects(read(bytes.subarray(0, 700)), TruncatedArchiveError);
    const bad = Buffer.from(bytes);
    bad.writeUInt8(bad.readUInt8(10) ^ 1, 10);
    await assert.rejects(read(bad), TarFormatError);
  });

  test('a member left unread is skipped', async () => {
    async function* source() {
      yield archive(files);
    }
    const paths: string[] = [];
    for await (const entry of readTar(source())) paths.push(entry.path);
    assert.deepEqual(
      paths,
      files.map(([p]) => p),
    );
  });
});
