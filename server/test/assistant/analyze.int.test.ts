/**
 * POST /api/v1/analyze over real HTTP against real PostgreSQL and the model simulator: JSON files and
 * uploaded archives (made by GNU tar), findings sorted by severity, skipped files, receipts over the
 * raw upload, and refusals of traversal and link entries, oversized and malformed uploads.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { canonicalBytes } from '../../src/evidence/core/jcs.js';
import {
  type AssistantFixture,
  codeOf,
  readStream,
  sha256b64url,
  startAssistantFixture,
  verifiedInLog,
} from './support.js';

interface Analysis {
  object: string;
  summary: string;
  counts: Record<string, number>;
  findings: Array<{
    file: string;
    line: number;
    severity: string;
    category: string;
    message: string;
    suggestion: string;
  }>;
  files: {
    analyzed: Array<{ path: string; lines: number }>;
    skipped: Array<{ path: string; reason: string }>;
  };
  tecp_receipt: { input_hash: string; output_hash: string; ext: Record<string, unknown> };
}

const PROJECT: Record<string, string | Buffer> = {
  'src/db.ts':
    "const password = 'hunter22';\nexport const q = (id: string) => db.query('SELECT * FROM t WHERE id = ' + id);\n",
  'src/util.js': '// TODO: remove\nexport const same = (a, b) => a == b;\n',
  'README.md': '# Demo\n',
  'logo.png': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]),
  'node_modules/left-pad/index.js': 'module.exports = 1;\n',
};

describe('assistant: analyze', () => {
  let f: AssistantFixture;
  let root: string;

  /** A .tar.gz of `files` made by GNU tar (`args` before the file list). */
  async function archive(files: Record<string, string | Buffer>, args: string[] = ['.']): Promise<Buffer> {
    const dir = await mkdtemp(join(root, 'p-'));
    for (const [path, content] of Object.entries(files)) {
      await mkdir(dirname(join(dir, path)), { recursive: true });
      await writeFile(join(dir, path), content);
    }
    const out = `${dir}.tgz`;
    execFileSync('tar', ['-czf', out, ...args], { cwd: dir });
    return readFile(out);
  }

  const upload = (body: Buffer, query = '') =>
    f.call('POST', `/api/v1/analyze${query}`, {
      body: new Uint8Array(body),
      headers: { 'content-type': 'application/gzip' },
    });

  before(async () => {
    f = await startAssistantFixture({
      AILA_ASSISTANT_ANALYZE_MAX_UPLOAD_BYTES: String(64 * 1024),
      AILA_ASSISTANT_ANALYZE_MAX_UNPACKED_BYTES: String(1024 * 1024),
    });
    root = await mkdtemp(join(tmpdir(), 'aila-analyze-'));
  });
  after(async () => {
    await f.stop();
    await rm(root, { recursive: true, force: true });
  });

  test('an uploaded .tar.gz: findings most severe first, binaries and dependencies skipped, receipt over the upload', async () => {
    const tgz = await archive(PROJECT);
    const res = await upload(tgz);
    assert.equal(res.status, 200);
    const analysis = (await res.json()) as Analysis;
    assert.equal(analysis.object, 'assistant.analysis');
    assert.deepEqual(
      analysis.files.analyzed.map((x) => x.path),
      ['README.md', 'src/db.ts', 'src/util.js'],
    );
    assert.deepEqual(analysis.files.skipped, [
      { path: 'logo.png', reason: 'binary' },
      { path: 'node_modules/left-pad/index.js', reason: 'ignored' },
    ]);
    assert.deepEqual(
      analysis.findings.map((x) => [x.file, x.line, x.severity]),
      [
        ['src/db.ts', 1, 'critical'],
        ['src/db.ts', 2, 'high'],
        ['src/util.js', 2, 'medium'],
        ['src/util.js', 1, 'low'],
      ],
    );
    assert.deepEqual(analysis.counts, { critical: 1, high: 1, medium: 1, low: 1, info: 0 });
    const { tecp_receipt: receipt, ...rest } = analysis;
    assert.equal(receipt.input_hash, sha256b64url(tgz), 'input_hash: the raw bytes of the upload');
    assert.equal(receipt.output_hash, sha256b64url(canonicalBytes(rest)));
    assert.equal(receipt.ext.op, 'analyze');
    assert.equal((await verifiedInLog(f.url, receipt)).valid, true);
  });

  test('JSON files with a focus, streamed: progress counts findings, the receipt covers the stream', async () => {
    const res = await f.call('POST', '/api/v1/analyze', {
      json: {
        files: [{ path: 'app.py', content: 'try:\n    run()\nexcept:\n    pass\nprint("done")\n' }],
        focus: ['correctness'],
        stream: true,
      },
    });
    const stream = await readStream(res);
    const result = stream.events.at(-1) as unknown as Analysis;
    assert.equal(result.object, 'assistant.analysis');
    assert.deepEqual(
      result.findings.map((x) => [x.line, x.category]),
      [
        [3, 'correctness'],
        [5, 'style'],
      ],
    );
    assert.ok(stream.events.some((e) => e.object === 'assistant.progress' && e.findings === 2));
    assert.equal(stream.receipt?.output_hash, sha256b64url(stream.beforeReceipt));
  });

  test('refuses traversal and link entries, oversized and malformed uploads, with stable codes', async () => {
    // -P keeps the "../" in the entry name, as an attacker's tool would.
    const outside = await mkdtemp(join(root, 'o-'));
    await writeFile(join(outside, 'a.txt'), 'x');
    execFileSync('tar', ['-czf', `${outside}.tgz`, '-P', `../${basename(outside)}/a.txt`], { cwd: outside });
    const escaping = await readFile(`${outside}.tgz`);
    assert.equal(await codeOf(await upload(escaping)), 'ARCHIVE_UNSAFE_ENTRY');
    const linkDir = await mkdtemp(join(root, 'l-'));
    await writeFile(join(linkDir, 'a.ts'), 'export {};\n');
    await symlink('/etc/shadow', join(linkDir, 'shadow'));
    execFileSync('tar', ['-czf', `${linkDir}.tgz`, '.'], { cwd: linkDir });
    const linked = await upload(await readFile(`${linkDir}.tgz`));
    assert.equal(linked.status, 400);
    const body = (await linked.json()) as { error: { code: string; details: Array<{ entry: string }> } };
    assert.equal(body.error.code, 'ARCHIVE_UNSAFE_ENTRY');
    assert.deepEqual(body.error.details, [{ entry: './shadow', reason: 'is a symbolic link' }]);

    const tooBig = await upload(randomBytes(65 * 1024));
    assert.equal(tooBig.status, 413);
    assert.equal(await codeOf(tooBig), 'PAYLOAD_TOO_LARGE');
    const bomb = await archive({ 'zeros.txt': Buffer.alloc(8 * 1024 * 1024, 0x61) });
    assert.ok(bomb.length < 64 * 1024, 'within the upload limit, far past the unpacked one');
    assert.equal(await codeOf(await upload(bomb)), 'ARCHIVE_TOO_LARGE');
    assert.equal(await codeOf(await upload(Buffer.from('definitely not gzip'))), 'ARCHIVE_INVALID');
    assert.equal(
      await codeOf(await upload(await archive({ 'x.bin': Buffer.from([0, 1, 2]) }))),
      'VALIDATION_FAILED',
    );
    assert.equal(await codeOf(await upload(await archive(PROJECT), '?stream=maybe')), 'VALIDATION_FAILED');

    const text = await f.call('POST', '/api/v1/analyze', {
      body: 'hello',
      headers: { 'content-type': 'text/plain' },
    });
    assert.equal(text.status, 415);
    assert.equal(await codeOf(text), 'UNSUPPORTED_MEDIA_TYPE');
    for (const [json, code] of [
      [{}, 'VALIDATION_FAILED'],
      [{ files: [] }, 'VALIDATION_FAILED'],
      [{ files: [{ path: 'a/../../b', content: 'x' }] }, 'VALIDATION_FAILED'],
      [{ files: [{ path: 'a.ts', content: 1 }] }, 'VALIDATION_FAILED'],
      [{ files: [{ path: 'a.ts', content: 'x' }], focus: ['everything'] }, 'VALIDATION_FAILED'],
    ] as const) {
      const res = await f.call('POST', '/api/v1/analyze', { json });
      assert.equal(res.status, 400, JSON.stringify(json));
      assert.equal(await codeOf(res), code);
    }
  });
});
