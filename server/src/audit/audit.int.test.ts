import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Knex } from 'knex';
import { openMigratedTestDb } from '../../test/support/database.js';
import { createAuditLogAppender } from '../evidence/index.js';
import { type AuditService, createAuditModule } from './index.js';

describe('audit trail', () => {
  let closeDb: () => Promise<void>;
  let db: Knex;
  let audit: AuditService;
  const actor = { type: 'user' as const, id: '11111111-2222-4333-8444-555555555555', ip: '10.1.2.3' };

  before(async () => {
    ({ db, close: closeDb } = await openMigratedTestDb(4));
    audit = (await createAuditModule({ db, appender: createAuditLogAppender() })).service;
  });
  after(async () => {
    await closeDb();
  });

  test('an event commits with the change it records, personal values as HMAC', async () => {
    const event = await db.transaction((trx) =>
      audit.record(trx, {
        action: 'settings.updated',
        outcome: 'success',
        actor,
        details: { key: 'retention' },
      }),
    );
    const row = await db('audit_events').where({ id: event.id }).first();
    assert.ok(row);
    assert.equal(row.event.actor.ip_hmac, audit.hmac('10.1.2.3'));
    assert.match(row.event.actor.ip_hmac, /^hmac-sha256:[0-9a-f]{64}$/);
    assert.ok(!JSON.stringify(row.event).includes('10.1.2.3'));
    const leaf = await db('audit_event_leaves').where({ event_id: event.id }).first();
    assert.ok(leaf, 'every recorded event is a leaf of the audit log, in the same transaction');
  });

  test('a rolled-back change leaves no audit event', async () => {
    let id = '';
    await assert.rejects(
      db.transaction(async (trx) => {
        id = (await audit.record(trx, { action: 'user.disabled', outcome: 'success', actor })).id;
        throw new Error('change failed');
      }),
    );
    assert.equal(await db('audit_events').where({ id }).first(), undefined);
  });

  test('rows are append-only and details follow the hashed-JSON rules', async () => {
    const event = await audit.record(db, { action: 'auth.logout', outcome: 'success', actor });
    await assert.rejects(
      db('audit_events').where({ id: event.id }).update({ outcome: 'failure' }),
      /append-only/,
    );
    await assert.rejects(db('audit_events').where({ id: event.id }).delete(), /append-only/);
    await assert.rejects(
      audit.record(db, { action: 'auth.login', outcome: 'success', actor, details: { Score: 1 } }),
      /does not match/,
    );
    await assert.rejects(
      audit.record(db, { action: 'auth.login', outcome: 'success', actor, details: { score: 0.5 } }),
      /integer/,
    );
  });

  test('the installation HMAC key is created once and reused', async () => {
    const again = (await createAuditModule({ db, appender: createAuditLogAppender() })).service;
    assert.equal(again.hmac('x'), audit.hmac('x'));
  });
});
