import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { pino } from 'pino';
import { createContentModule } from '../../src/content/index.js';
import { errorCode } from '../identity/support.js';
import { auditEvents, type ContentFixture, MODEL, startContentFixture, storeOperation } from './support.js';

describe('content retention settings and encryption at rest', () => {
  let fx: ContentFixture;
  before(async () => {
    fx = await startContentFixture();
  });
  after(() => fx?.stop());

  test('settings default to no retention; only admins read and change them; changes are audited', async () => {
    const initial = await fx.admin.json<{
      retention: Record<string, unknown>;
      encryption: { available: boolean };
    }>('/api/v1/admin/settings');
    assert.deepEqual(initial.retention, {
      content: 'none',
      content_days: 90,
      usage_days: 90,
      sessions_days: 30,
    });
    assert.equal(initial.encryption.available, true);
    assert.equal((await fx.dev.fetch('/api/v1/admin/settings')).status, 403);
    assert.equal((await fx.auditor.fetch('/api/v1/admin/settings')).status, 403);

    for (const bad of [
      {},
      { retention: {} },
      { retention: { content: 'some' } },
      { retention: { usage_days: -1 } },
    ]) {
      const res = await fx.admin.send('PUT', '/api/v1/admin/settings', bad);
      assert.equal(res.status, 400, JSON.stringify(bad));
      assert.equal(await errorCode(res), 'VALIDATION_FAILED');
    }
    const res = await fx.admin.send('PUT', '/api/v1/admin/settings', {
      retention: { content: 'full', content_days: 30 },
    });
    assert.equal(res.status, 200);
    const saved = (await res.json()) as { retention: Record<string, unknown>; updated_by: string };
    assert.equal(saved.retention.content, 'full');
    assert.equal(saved.retention.content_days, 30);
    const events = await auditEvents(fx, 'settings.updated');
    assert.deepEqual(events.at(-1)?.details.changes, { content: 'full', content_days: 30 });
    assert.equal(await fx.content.service.mode(), 'full');

    // Setting the same values again changes nothing and records nothing.
    await fx.admin.send('PUT', '/api/v1/admin/settings', { retention: { content: 'full' } });
    assert.equal((await auditEvents(fx, 'settings.updated')).length, events.length);
    assert.equal(
      (await fx.dev.send('PUT', '/api/v1/admin/settings', { retention: { content: 'none' } })).status,
      403,
    );
  });

  test('without a key-encryption key (production, none configured) retention cannot be turned on', async () => {
    const strict = await createContentModule({
      db: fx.sso.app.db,
      log: pino({ level: 'silent' }),
      config: { previousKeyEncryptionKeys: [], keyCacheTtlMs: 0 },
      audit: fx.audit,
      production: true,
      usageRetentionDays: 90,
    });
    assert.equal(strict.service.keyStatus().available, false);
    await assert.rejects(
      strict.service.updateSettings({ userId: randomUUID() }, { content: 'full' }),
      (err: { code?: string }) => err.code === 'CONTENT_KEY_MISSING',
    );
    await assert.rejects(
      strict.service.seal(fx.sso.app.db, { userId: randomUUID(), teamId: null }, Buffer.from('x')),
      (err: { code?: string }) => err.code === 'CONTENT_KEY_MISSING',
    );
  });

  test('break-glass read: admins only, with a reason, audited before the content is returned', async () => {
    const requestId = await storeOperation(fx, { userId: fx.devUserId, teamId: null }, '{"prompt":"hello"}');
    const res = await fx.admin.send('POST', '/api/v1/admin/content/read', {
      request_id: requestId,
      reason: 'Incident INC-4711: suspected data leak',
    });
    assert.equal(res.status, 200);
    const body = (await res.json()) as {
      shredded: boolean;
      input: { text: string; sha256: string; media_type: string };
      output: { text: string };
    };
    assert.equal(body.shredded, false);
    assert.equal(body.input.text, '{"prompt":"hello"}');
    assert.equal(body.input.sha256, createHash('sha256').update('{"prompt":"hello"}').digest('base64url'));
    assert.equal(body.input.media_type, 'application/json');
    const read = (await auditEvents(fx, 'content.read')).at(-1);
    assert.equal(read?.outcome, 'success');
    assert.equal(read?.target?.id, requestId);
    assert.equal(read?.details.reason, 'Incident INC-4711: suspected data leak');

    for (const who of [fx.dev, fx.auditor]) {
      const refused = await who.send('POST', '/api/v1/admin/content/read', {
        request_id: requestId,
        reason: 'curious reader',
      });
      assert.equal(refused.status, 403);
    }
    const short = await fx.admin.send('POST', '/api/v1/admin/content/read', {
      request_id: requestId,
      reason: 'x',
    });
    assert.equal(short.status, 400);
    const unknown = await fx.admin.send('POST', '/api/v1/admin/content/read', {
      request_id: randomUUID(),
      reason: 'Incident INC-4712 follow-up',
    });
    assert.equal(unknown.status, 404);
    assert.equal((await auditEvents(fx, 'content.read')).at(-1)?.outcome, 'failure');
  });

  test('destroying a team key shreds the team content only; a user key shreds all of theirs', async () => {
    const db = fx.sso.app.db;
    const userId = randomUUID();
    const teamId = randomUUID();
    const alone = await storeOperation(fx, { userId, teamId: null });
    const inTeam = await storeOperation(fx, { userId, teamId });
    const teammate = await storeOperation(fx, { userId: randomUUID(), teamId });

    const res = await fx.admin.send('POST', '/api/v1/admin/content-keys/destroy', {
      scope: 'team',
      id: teamId,
      reason: 'Team dissolved, erasure requested',
    });
    assert.equal(res.status, 200, await res.clone().text());
    assert.equal(((await res.json()) as { destroyed_keys: string[] }).destroyed_keys.length, 1);
    const after1 = await fx.content.service.readOperations(db, [alone, inTeam, teammate]);
    assert.deepEqual(
      after1.map((c) => [c.requestId, c.shredded]),
      [
        [alone, false],
        [inTeam, true],
        [teammate, true],
      ],
    );
    assert.equal(after1[1]?.input, null);

    await fx.admin.send('POST', '/api/v1/admin/content-keys/destroy', {
      scope: 'user',
      id: userId,
      reason: 'GDPR Art. 17 request',
    });
    assert.equal((await fx.content.service.readOperations(db, [alone]))[0]?.shredded, true);
    const destroyed = (await auditEvents(fx, 'content.key_destroyed')).slice(-2);
    assert.deepEqual(
      destroyed.map((e) => e.target?.id),
      [teamId, userId],
    );

    // New content after the erasure gets a new key and is readable again.
    const fresh = await storeOperation(fx, { userId, teamId });
    assert.equal((await fx.content.service.readOperations(db, [fresh]))[0]?.shredded, false);
    assert.equal(
      (
        await fx.dev.send('POST', '/api/v1/admin/content-keys/destroy', {
          scope: 'user',
          id: userId,
          reason: 'nope nope',
        })
      ).status,
      403,
    );
  });

  test('receipts stay verifiable after their content is shredded', async () => {
    const res = await fx.dev.send('POST', '/v1/chat/completions', {
      model: MODEL,
      messages: [{ role: 'user', content: 'Write a haiku about audits' }],
      max_tokens: 8,
    });
    assert.equal(res.status, 200);
    const { tecp_receipt: receipt } = (await res.json()) as { tecp_receipt: Record<string, unknown> };
    const destroyed = await fx.admin.send('POST', '/api/v1/admin/content-keys/destroy', {
      scope: 'user',
      id: fx.devUserId,
      reason: 'Erasure request of the employee',
    });
    assert.equal(destroyed.status, 200);
    const verify = await fetch(`${fx.sso.app.url}/api/v1/tecp/verify`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ receipt }),
    });
    const verdict = (await verify.json()) as { checks: { signature: boolean; key_known: boolean } };
    assert.equal(verdict.checks.signature, true);
    assert.equal(verdict.checks.key_known, true);
  });

  test('key-encryption key rotation: earlier keys still unwrap, and rewrap moves every key to the new one', async () => {
    const db = fx.sso.app.db;
    const make = (kek: string, previous: string[] = []) =>
      createContentModule({
        db,
        log: pino({ level: 'silent' }),
        config: { keyEncryptionKey: kek, previousKeyEncryptionKeys: previous, keyCacheTtlMs: 0 },
        audit: fx.audit,
        production: true,
        usageRetentionDays: 90,
      });
    const oldKek = Buffer.alloc(32, 7).toString('base64');
    const newKek = Buffer.alloc(32, 9).toString('base64');
    const owner = { userId: randomUUID(), teamId: null };
    const before1 = await make(oldKek);
    const sealed = await before1.service.seal(db, owner, Buffer.from('rotate me'));

    const unaware = await make(newKek);
    await assert.rejects(
      unaware.service.open(db, sealed),
      (err: { code?: string }) => err.code === 'CONTENT_KEY_MISSING',
    );
    // Every other key in this database is under the development KEK: an earlier key too, here.
    const dev = (await db('settings').where({ key: 'content.development_kek' }).first('value')) as {
      value: string;
    };
    const rotated = await make(newKek, [oldKek, dev.value]);
    assert.equal((await rotated.service.open(db, sealed))?.toString(), 'rotate me');
    assert.ok((await rotated.keys.rewrapAll(db)) >= 1);
    assert.equal((await unaware.service.open(db, sealed))?.toString(), 'rotate me');
  });
});
