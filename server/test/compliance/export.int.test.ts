/**
 * End to end: receipts from real gateway calls (the openai client against the simulated backend),
 * audit events from real admin actions, an export requested and downloaded through the API by an
 * auditor, verified offline by `aila verify-bundle` and by independent tools (Python, OpenSSL, Go's
 * x/mod when installed); filters, consistency from an earlier checkpoint, RBAC, ranges, integrity.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { verifyBundle } from '../../src/compliance/bundle/verify/verify-bundle.js';
import { OPENSSL_RECIPE, PYTHON_RECIPE } from '../../src/compliance/bundle/verify-doc.js';
import { GO_VERIFIER } from '../../src/compliance/bundle/verify-go.js';
import type { Browser } from '../identity/support.js';
import { errorCode, signIn } from '../identity/support.js';
import { runCli } from '../support/process.js';
import {
  apiKey,
  type ComplianceFixture,
  type ExportView,
  MODEL,
  openai,
  readMembers,
  startComplianceFixture,
  waitForExport,
  waitForLog,
} from './support.js';

const run = promisify(execFile);
const GO_X_MOD = '/usr/share/gocode/src/golang.org/x/mod/sumdb/note';

describe('compliance export: API to offline verification', () => {
  let fx: ComplianceFixture;
  let admin: Browser;
  let auditor: Browser;
  let developer: Browser;
  let devUserId: string;
  let work: string;
  let bundle: string;
  let first: ExportView;
  let vkeys: { receipts: string; audit: string };
  const period = {
    from: new Date(Date.now() - 3600_000).toISOString(),
    to: new Date(Date.now() + 3600_000).toISOString(),
  };

  const createExport = async (who: Browser, body: Record<string, unknown>) =>
    who.send('POST', '/api/v1/compliance/exports', body);
  const download = async (who: Browser, id: string, file: string): Promise<Response> => {
    const res = await who.fetch(`/api/v1/compliance/exports/${id}/download`);
    if (res.status === 200) await writeFile(file, Buffer.from(await res.arrayBuffer()));
    return res;
  };
  const exportAndDownload = async (body: Record<string, unknown>, file: string): Promise<ExportView> => {
    const res = await createExport(auditor, body);
    assert.equal(res.status, 202, await res.clone().text());
    const view = await waitForExport(auditor, ((await res.json()) as { id: string }).id);
    assert.equal(view.status, 'completed', JSON.stringify(view.error));
    const res2 = await download(auditor, view.id, file);
    if (res2.status !== 200) {
      const errors = fx.sso.app.logs.filter((l) => (l.level as number) >= 40);
      assert.fail(`download: ${res2.status} ${await res2.text()} ${JSON.stringify(errors).slice(0, 3000)}`);
    }
    return view;
  };

  before(async () => {
    fx = await startComplianceFixture();
    const { app } = fx.sso;
    work = await mkdtemp(join(tmpdir(), 'aila-export-test-'));
    admin = await signIn(app, 'admin@ai-la.dev');
    auditor = await signIn(app, 'auditor@ai-la.dev');
    developer = await signIn(app, 'dev@ai-la.dev');
    devUserId = (await developer.json<{ user: { id: string } }>('/api/v1/me')).user.id;
    const client = openai(app.url, await apiKey(developer, 'gateway'));
    await client.chat.completions.create({
      model: MODEL,
      messages: [{ role: 'user', content: 'Sum a slice in Go.' }],
    });
    await client.chat.completions.create({
      model: MODEL,
      messages: [{ role: 'user', content: 'Explain CRDTs.' }],
    });
    const stream = await client.chat.completions.create({
      model: MODEL,
      stream: true,
      messages: [{ role: 'user', content: 'Write a haiku about logs.' }],
    });
    for await (const _ of stream);
    assert.equal(
      (await admin.send('POST', '/api/v1/admin/teams', { slug: 'evidence', name: 'Evidence' })).status,
      201,
    );
    await waitForLog(app.url, 'receipts', 3);
    await waitForLog(app.url, 'audit', 8);
    vkeys = (await (await fetch(`${app.url}/api/v1/tecp/vkeys`)).json()) as typeof vkeys;
    await writeFile(join(work, 'jwks.json'), await (await fetch(`${app.url}/.well-known/tecp-jwks`)).text());
    bundle = join(work, 'first.tar.gz');
    first = await exportAndDownload({ ...period, include: ['receipts', 'audit'] }, bundle);
  });
  after(async () => {
    await fx?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  test('a developer may not export; an auditor may', async () => {
    const res = await createExport(developer, period);
    assert.equal(res.status, 403);
    assert.equal(await errorCode(res), 'FORBIDDEN');
    assert.equal((await developer.fetch(`/api/v1/compliance/exports/${first.id}/download`)).status, 403);
    const list = await auditor.json<{ items: ExportView[] }>('/api/v1/compliance/exports');
    assert.ok(list.items.some((e) => e.id === first.id));
  });

  test('the job reports its progress and the bundle it wrote', async () => {
    assert.equal(first.progress.percent, 100);
    assert.equal(first.progress.entries_written, first.progress.entries_total);
    assert.equal(first.bundle?.counts.receipts, 3);
    assert.ok((first.bundle?.counts.audit ?? 0) >= 8);
    const bytes = await readFile(bundle);
    assert.equal(bytes.length, first.bundle?.bytes);
    const { createHash } = await import('node:crypto');
    assert.equal(createHash('sha256').update(bytes).digest('hex'), first.bundle?.sha256);
    const members = (await readMembers(bundle)).map((m) => m.path.split('/').slice(1).join('/'));
    assert.deepEqual(members.slice(0, 3), ['manifest.json', 'manifest.sig', 'VERIFY.md']);
    for (const path of [
      'keys/jwks.json',
      'keys/receipts.vkey',
      'receipts/checkpoint',
      'receipts/entries.jsonl',
      'receipts/proofs',
      'audit/proofs',
    ]) {
      assert.ok(members.includes(path), path);
    }
  });

  test('aila verify-bundle verifies it offline against pinned keys', async () => {
    const { code, output } = await runCli(
      [
        'verify-bundle',
        bundle,
        '--receipts-vkey',
        vkeys.receipts,
        '--audit-vkey',
        vkeys.audit,
        '--jwks',
        join(work, 'jwks.json'),
      ],
      {},
    );
    assert.equal(code, 0, output);
    assert.match(output, /receipts entries: 3 inclusion proofs verify; 3 receipt signatures verify/);
    assert.match(output, /manifest signature: signed by /);
    assert.match(output, /\nVALID\n/);
  });

  test('every request and download is an audit event', async () => {
    const { app } = fx.sso;
    const rows = await app
      .db('audit_events')
      .whereIn('action', ['compliance.export_requested', 'compliance.export_downloaded'])
      .where({ target_id: first.id });
    assert.deepEqual(rows.map((r) => r.action).sort(), [
      'compliance.export_downloaded',
      'compliance.export_requested',
    ]);
  });

  test('downloads support RFC 9110 ranges with a strong ETag', async () => {
    const url = `/api/v1/compliance/exports/${first.id}/download`;
    const full = await auditor.fetch(url, { method: 'HEAD' });
    const etag = full.headers.get('etag') ?? '';
    assert.equal(full.headers.get('accept-ranges'), 'bytes');
    assert.equal(etag, `"${first.bundle?.sha256}"`);
    const size = first.bundle?.bytes as number;
    const part = await auditor.fetch(url, { headers: { range: 'bytes=10-99', 'if-range': etag } });
    assert.equal(part.status, 206);
    assert.equal(part.headers.get('content-range'), `bytes 10-99/${size}`);
    assert.deepEqual(Buffer.from(await part.arrayBuffer()), (await readFile(bundle)).subarray(10, 100));
    const stale = await auditor.fetch(url, { headers: { range: 'bytes=10-99', 'if-range': '"other"' } });
    assert.equal(stale.status, 200);
    await stale.arrayBuffer();
    const outside = await auditor.fetch(url, { headers: { range: `bytes=${size}-` } });
    assert.equal(outside.status, 416);
    assert.equal(outside.headers.get('content-range'), `bytes */${size}`);
  });

  test('independent tools verify the extracted bundle: Python, OpenSSL, Go x/mod', async (t) => {
    const dir = join(work, 'extracted');
    await run('mkdir', ['-p', dir]);
    await run('tar', ['xzf', bundle, '-C', dir]);
    const root = join(dir, `aila-export-${first.id}`);
    await writeFile(join(work, 'check.py'), PYTHON_RECIPE);
    const py = await run('python3', [join(work, 'check.py')], { cwd: root });
    assert.match(py.stdout, /receipts: 3 inclusion proofs verify/);
    const script = `${OPENSSL_RECIPE}
set -e
verify_note manifest.sig '${vkeys.receipts}'
verify_note receipts/checkpoint '${vkeys.receipts}'
verify_note audit/checkpoint '${vkeys.audit}'
test "$(sed -n 3p manifest.sig)" = "$(openssl dgst -sha256 -binary manifest.json | base64)"
echo all-signatures-ok`;
    const sh = await run('bash', ['-c', script], { cwd: work.length > 0 ? root : root });
    assert.match(sh.stdout, /Signature Verified Successfully[\s\S]*all-signatures-ok/);
    // A changed checkpoint fails OpenSSL's check.
    const cp = join(root, 'receipts/checkpoint');
    const original = await readFile(cp, 'utf8');
    await writeFile(
      cp,
      original.replace(/\n(\d+)\n/, (_m, n: string) => `\n${Number(n) + 1}\n`),
    );
    await assert.rejects(
      run('bash', ['-c', `${OPENSSL_RECIPE}\nverify_note receipts/checkpoint '${vkeys.receipts}'`], {
        cwd: root,
      }),
    );
    await writeFile(cp, original);

    if (!existsSync('/usr/bin/go') || !existsSync(GO_X_MOD)) {
      t.skip('Go and golang.org/x/mod (apt-get install golang-go golang-golang-x-mod-dev) are not installed');
      return;
    }
    const goDir = join(work, 'go');
    await run('mkdir', ['-p', goDir]);
    await writeFile(join(goDir, 'main.go'), GO_VERIFIER);
    const go = await run(
      'go',
      ['run', 'main.go', '-dir', root, '-receipts-vkey', vkeys.receipts, '-audit-vkey', vkeys.audit],
      {
        cwd: goDir,
        env: {
          ...process.env,
          GO111MODULE: 'off',
          GOPATH: '/usr/share/gocode',
          GOCACHE: join(work, 'gocache'),
          GOFLAGS: '',
        },
        timeout: 300_000,
      },
    );
    assert.match(
      go.stdout,
      /manifest\.sig: ok[\s\S]*receipts: checkpoint size \d+ ok, 3 inclusion proofs ok[\s\S]*VALID/,
    );
  });

  test('filters select entries, and a filtered bundle still verifies', async () => {
    const file = join(work, 'filtered.tar.gz');
    const view = await exportAndDownload(
      {
        ...period,
        users: [devUserId],
        models: [MODEL],
        ops: ['chat_completions'],
        include: ['receipts', 'audit'],
      },
      file,
    );
    assert.equal(view.bundle?.counts.receipts, 3);
    const audit =
      (await readMembers(file)).find((m) => m.path.endsWith('audit/entries.jsonl'))?.data.toString() ?? '';
    for (const line of audit.trim().split('\n').filter(Boolean)) {
      const event = JSON.parse(line) as { actor: { id: string }; target?: { id: string } };
      assert.ok(event.actor.id === devUserId || event.target?.id === devUserId, line);
    }
    assert.equal(
      (await verifyBundle(file, { receiptsVkeys: [vkeys.receipts], auditVkeys: [vkeys.audit] })).valid,
      true,
    );
    const none = join(work, 'none.tar.gz');
    const empty = await exportAndDownload(
      { ...period, models: ['no-such-model'], include: ['receipts'] },
      none,
    );
    assert.equal(empty.bundle?.counts.receipts, 0);
    assert.equal((await verifyBundle(none)).valid, true);
  });

  test('since_checkpoint: the next export proves the log was not rewritten', async () => {
    const kept = (await readMembers(bundle))
      .find((m) => m.path.endsWith('receipts/checkpoint'))
      ?.data.toString() as string;
    const keptFile = join(work, 'kept-checkpoint');
    await writeFile(keptFile, kept);
    const client = openai(fx.sso.app.url, await apiKey(developer, 'gateway'));
    await client.chat.completions.create({
      model: MODEL,
      messages: [{ role: 'user', content: 'One more.' }],
    });
    await waitForLog(fx.sso.app.url, 'receipts', 4);
    const file = join(work, 'next.tar.gz');
    await exportAndDownload({ ...period, include: ['receipts'], since_checkpoint: kept }, file);
    const names = (await readMembers(file)).map((m) => m.path.split('/').slice(1).join('/'));
    assert.ok(names.includes('receipts/checkpoint.old') && names.includes('receipts/consistency'));
    const { code, output } = await runCli(
      ['verify-bundle', file, '--receipts-vkey', vkeys.receipts, '--since-checkpoint', keptFile],
      {},
    );
    assert.equal(code, 0, output);
    assert.match(output, /receipts consistency: the tree of size 3 is a prefix of the tree of size 4/);
    assert.match(output, /since checkpoint: your receipts checkpoint of size 3 is proven a prefix/);
    // By size, too; a size larger than the tree, or a checkpoint that is not the log's, is refused.
    const bySize = await createExport(auditor, { ...period, include: ['receipts'], since_size: 3 });
    assert.equal(bySize.status, 202);
    const tooLarge = await createExport(auditor, { ...period, include: ['receipts'], since_size: 1_000_000 });
    assert.equal(tooLarge.status, 400);
    const forged = kept.replace(
      /\n\n— .*\n$/,
      '\n\n— someone AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==\n',
    );
    const refused = await createExport(auditor, {
      ...period,
      include: ['receipts'],
      since_checkpoint: forged,
    });
    assert.equal(refused.status, 400);
    const both = await createExport(auditor, { ...period, since_size: 3, since_checkpoint: kept });
    assert.equal(both.status, 400);
  });

  test('bad requests get 4xx with stable codes', async () => {
    const cases: Array<[Record<string, unknown>, number, string]> = [
      [{ from: period.to, to: period.from }, 400, 'VALIDATION_FAILED'],
      [{ ...period, include: [] }, 400, 'VALIDATION_FAILED'],
      [{ ...period, users: ['not-a-uuid'] }, 400, 'VALIDATION_FAILED'],
      [{ ...period, extra: 1 }, 400, 'VALIDATION_FAILED'],
      [{ ...period, include: ['receipts', 'content'] }, 403, 'FORBIDDEN'],
    ];
    for (const [body, status, code] of cases) {
      const res = await createExport(auditor, body);
      assert.equal(res.status, status, JSON.stringify(body));
      assert.equal(await errorCode(res), code);
    }
    const notFound = await auditor.fetch('/api/v1/compliance/exports/00000000-0000-4000-8000-000000000000');
    assert.equal(notFound.status, 404);
    // Content retention is off: even an admin (who holds break-glass) cannot export content.
    const content = await createExport(admin, { ...period, include: ['receipts', 'content'] });
    assert.equal(content.status, 409);
    assert.equal(await errorCode(content), 'EXPORT_CONTENT_UNAVAILABLE');
  });

  test('a corrupted bundle file is refused instead of served; delete removes it', async () => {
    const file = join(work, 'victim.tar.gz');
    const view = await exportAndDownload({ ...period, include: ['audit'] }, file);
    const row = await fx.sso.app.db('export_jobs').where({ id: view.id }).first();
    const onDisk = join(fx.exportsDir, row.file_name as string);
    const bytes = await readFile(onDisk);
    bytes.writeUInt8(bytes.readUInt8(100) ^ 0xff, 100);
    await writeFile(onDisk, bytes);
    const res = await auditor.fetch(`/api/v1/compliance/exports/${view.id}/download`);
    assert.equal(res.status, 500);
    assert.equal(await errorCode(res), 'EXPORT_BUNDLE_CORRUPT');
    assert.equal((await auditor.send('DELETE', `/api/v1/compliance/exports/${view.id}`)).status, 204);
    assert.equal(existsSync(onDisk), false);
    assert.equal((await auditor.fetch(`/api/v1/compliance/exports/${view.id}`)).status, 404);
    const deleted = await fx.sso.app
      .db('audit_events')
      .where({ action: 'compliance.export_deleted', target_id: view.id });
    assert.equal(deleted.length, 1);
  });

  test('GET /api/v1/audit/export streams JSON Lines with a log-index cursor', async () => {
    const page = await auditor.fetch(`/api/v1/audit/export?limit=3&from=${encodeURIComponent(period.from)}`);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /application\/x-ndjson/);
    const lines = (await page.text()).trim().split('\n');
    assert.equal(lines.length, 3);
    const next = page.headers.get('x-next-cursor');
    assert.equal(next, '3');
    assert.match(page.headers.get('link') ?? '', /cursor=3>; rel="next"/);
    const rest = await auditor.fetch(`/api/v1/audit/export?limit=10000&cursor=${next}`);
    const more = (await rest.text()).trim().split('\n');
    const ids = [...lines, ...more].map((l) => (JSON.parse(l) as { id: string }).id);
    assert.equal(new Set(ids).size, ids.length);
    assert.equal((await developer.fetch('/api/v1/audit/export')).status, 403);
  });
});
