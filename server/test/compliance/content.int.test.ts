/**
 * Retained content in a bundle (CONTENT-API.md): only for a caller with break-glass access and only
 * while retention is on; each operation's bytes hash to its receipt's input_hash and output_hash,
 * shredded operations are listed as shredded, the read is audited, and altered content is caught.
 */
import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { verifyBundle } from '../../src/compliance/bundle/verify/verify-bundle.js';
import type { ComplianceModule, ExportCaller } from '../../src/compliance/index.js';
import { AppError } from '../../src/platform/errors.js';
import { AUDITOR, exportNow, type Harness, openHarness } from './harness.js';
import { readMembers, rewrite } from './support.js';

const ADMIN: ExportCaller = { userId: randomUUID(), mayReadContent: true };
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest();

describe('compliance export with retained content', () => {
  let h: Harness;
  let replica: ComplianceModule;
  const kept = randomUUID();
  const shredded = randomUUID();
  const period = () => ({
    from: new Date(Date.now() - 3600_000).toISOString(),
    to: new Date(Date.now() + 3600_000).toISOString(),
  });

  before(async () => {
    h = await openHarness();
    await h.content.service.updateSettings({ userId: ADMIN.userId }, { content: 'full' });
    // The mode is cached for a moment.
    while ((await h.content.service.mode()) !== 'full') await new Promise((r) => setTimeout(r, 100));
    for (const [i, user] of [kept, kept, shredded].entries()) {
      const requestId = randomUUID();
      const input = Buffer.from(
        JSON.stringify({ model: 'm', messages: [{ role: 'user', content: `question ${i}` }] }),
      );
      const output = Buffer.from(JSON.stringify({ choices: [{ message: { content: `answer ${i}` } }] }));
      await h.evidence.receipts.record({
        op: 'chat_completions',
        requestId,
        subject: user,
        team: '',
        model: 'm',
        backend: 'sim',
        promptTokens: 3,
        completionTokens: 4,
        status: 'ok',
        inputHash: sha256(input),
        outputHash: sha256(output),
        contentRetained: true,
      });
      await h.content.service.storeOperation(h.db, {
        requestId,
        owner: { userId: user, teamId: null },
        op: 'chat_completions',
        input: { bytes: input, mediaType: 'application/json' },
        output: { bytes: output, mediaType: 'application/json' },
      });
    }
    await h.content.service.destroyKey(h.db, 'user', shredded, ADMIN.userId);
    await h.waitForLogs();
    replica = await h.replica();
    replica.start();
  });
  after(() => h?.close());

  test('content needs break-glass access', async () => {
    await assert.rejects(
      replica.service.create(AUDITOR, { ...period(), include: ['receipts', 'content'] } as never),
      (err: unknown) => err instanceof AppError && err.code === 'FORBIDDEN',
    );
  });

  test('each operation hashes to its receipt; shredded ones are listed; the read is audited', async () => {
    const job = await exportNow(replica, { include: ['receipts', 'content'] }, ADMIN);
    assert.equal(job.status, 'completed');
    const file = join(h.dir, job.file as string);
    const report = await verifyBundle(file);
    assert.equal(report.valid, true, JSON.stringify(report.checks.filter((c) => !c.ok)));
    const content = report.checks.find((c) => c.name === 'content');
    assert.deepEqual(content?.notes, ["2 operations match their receipts' hashes, 1 shredded"]);
    const lines = (await readMembers(file))
      .find((m) => m.path.endsWith('content/operations.jsonl'))
      ?.data.toString()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { shredded: boolean; user: string; input: unknown });
    assert.deepEqual(
      lines?.map((l) => [l.user, l.shredded]),
      [
        [kept, false],
        [kept, false],
        [shredded, true],
      ],
    );
    assert.equal(lines?.[2]?.input, null);
    const read = await h.db('audit_events').where({ action: 'content.read', target_id: job.id });
    assert.equal(read.length, 1);
    assert.equal(read[0].event.details.operations, 3);

    const altered = join(h.dir, 'altered.tar.gz');
    await rewrite(file, altered, (m) => {
      const text = (m.get('content/operations.jsonl') as Buffer).toString();
      const first = JSON.parse(text.split('\n')[0] as string) as { input: { base64: string } };
      const forged = Buffer.from(JSON.stringify({ messages: 'something else' })).toString('base64');
      m.set('content/operations.jsonl', Buffer.from(text.replace(first.input.base64, forged)));
    });
    const bad = await verifyBundle(altered);
    assert.equal(bad.valid, false);
    const errors = bad.checks.flatMap((c) => c.errors);
    assert.ok(
      errors.some((e) =>
        /content\/operations\.jsonl line 1 \(receipt 0\): SHA-256 of the input bytes is not the receipt's input_hash/.test(
          e,
        ),
      ),
      errors.join('\n'),
    );
  });

  test('with retention off, content cannot be exported', async () => {
    await h.content.service.updateSettings({ userId: ADMIN.userId }, { content: 'none' });
    while ((await h.content.service.mode()) !== 'none') await new Promise((r) => setTimeout(r, 100));
    await assert.rejects(
      replica.service.create(ADMIN, { ...period(), include: ['receipts', 'content'] } as never),
      (err: unknown) => err instanceof AppError && err.code === 'EXPORT_CONTENT_UNAVAILABLE',
    );
  });
});
