import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { AuditEvent } from '../../src/audit/index.js';
import { canonicalBytes, parseVerifierKey, verifyTlogProof } from '../../src/evidence/core/index.js';
import { type EvidenceHarness, startEvidence, waitForSize } from './support.js';

describe('audit log: events as leaves, in the change transaction', () => {
  let h: EvidenceHarness;
  const siemFile = join(tmpdir(), `aila-siem-${randomUUID()}.jsonl`);
  const alice = randomUUID();
  const bob = randomUUID();
  const team = randomUUID();
  const committed: AuditEvent[] = [];

  const siemLines = async () =>
    (await readFile(siemFile, 'utf8').catch(() => ''))
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as AuditEvent);

  before(async () => {
    h = await startEvidence({
      AILA_EVIDENCE_AUDIT_SIEM_ENABLED: 'true',
      AILA_EVIDENCE_AUDIT_SIEM_FILE: siemFile,
    });
    await h.db('users').insert([
      { id: alice, email: `${alice}@example.com` },
      { id: bob, email: `${bob}@example.com` },
    ]);
    await h.db('teams').insert({ id: team, slug: `t-${team.slice(0, 8)}`, name: 'Team' });
    await h.db('team_members').insert({ team_id: team, user_id: bob, source: 'admin' });
    const actor = (id: string) => ({ type: 'user' as const, id, ip: '10.0.0.1' });
    committed.push(
      await h.db.transaction((trx) =>
        h.audit.record(trx, { action: 'auth.login', outcome: 'success', actor: actor(alice) }),
      ),
      await h.db.transaction((trx) =>
        h.audit.record(trx, {
          action: 'api_key.created',
          outcome: 'success',
          actor: actor(bob),
          target: { type: 'api_key', id: randomUUID() },
        }),
      ),
      await h.audit.record(h.db, {
        action: 'team.updated',
        outcome: 'denied',
        actor: actor(alice),
        target: { type: 'team', id: team },
        details: { members_added: 2 },
      }),
    );
    await waitForSize(h.evidence, 'audit', committed.length);
  });
  after(async () => {
    await h.stop();
    await rm(siemFile, { force: true });
  });

  test('a rolled-back change leaves no audit event, no leaf and no SIEM line', async () => {
    const before = Number((await h.db('log_leaves').where({ log: 2 }).count('* as n').first())?.n);
    let id = '';
    await assert.rejects(
      h.db.transaction(async (trx) => {
        id = (
          await h.audit.record(trx, {
            action: 'user.disabled',
            outcome: 'success',
            actor: { type: 'system', id: 'x' },
          })
        ).id;
        throw new Error('change failed');
      }),
    );
    // A savepoint rolled back inside a committed transaction is not committed either.
    await h.db.transaction(async (trx) => {
      await trx
        .transaction(async (inner) => {
          await h.audit.record(inner, {
            action: 'user.enabled',
            outcome: 'success',
            actor: { type: 'system', id: 'y' },
          });
          throw new Error('inner change failed');
        })
        .catch(() => undefined);
    });
    assert.equal(Number((await h.db('log_leaves').where({ log: 2 }).count('* as n').first())?.n), before);
    assert.equal(await h.db('audit_event_leaves').where({ event_id: id }).first(), undefined);
    await new Promise((r) => setTimeout(r, 50));
    const lines = await siemLines();
    assert.ok(!lines.some((l) => l.action === 'user.disabled' || l.action === 'user.enabled'));
  });

  test('each committed event is one SIEM line holding exactly its leaf bytes', async () => {
    const raw = (await readFile(siemFile, 'utf8')).split('\n').filter(Boolean);
    assert.deepEqual(
      raw,
      committed.map((e) => canonicalBytes(e).toString('utf8')),
    );
  });

  test('events are in the audit log with inclusion proofs that verify', async () => {
    const vkeys = (await (await fetch(`${h.url}/api/v1/tecp/vkeys`)).json()) as { audit: string };
    const verifier = parseVerifierKey(vkeys.audit);
    for (const event of committed) {
      const res = await fetch(`${h.url}/api/v1/audit/events/${event.id}`);
      const body = (await res.json()) as { event: AuditEvent; log_index: number; proof: string; log: string };
      assert.equal(res.status, 200);
      assert.deepEqual(body.event, event);
      assert.equal(body.log, 'ai-la.example.com/ai-la/audit');
      const verified = verifyTlogProof(body.proof, canonicalBytes(body.event), [verifier], body.log);
      assert.equal(verified.index, body.log_index);
    }
  });

  test('query filters, cursor pagination and scopes', async () => {
    type Page = { items: Array<{ event: AuditEvent; log_index: number | null }>; next_cursor: string | null };
    const get = async (qs: string, scope?: object) =>
      (await (
        await fetch(`${h.url}/api/v1/audit/events?${qs}`, {
          headers: scope ? { 'x-test-scope': JSON.stringify(scope) } : {},
        })
      ).json()) as Page;
    assert.deepEqual(
      (await get('action=auth.*')).items.map((i) => i.event.action),
      ['auth.login'],
    );
    assert.deepEqual(
      (await get('action=api_key.*')).items.map((i) => i.event.action),
      ['api_key.created'],
    );
    assert.equal((await get(`actor=${alice}`)).items.length, 2);
    assert.equal((await get(`target=team:${team}`)).items[0]?.event.action, 'team.updated');
    assert.equal((await get('outcome=denied')).items.length, 1);
    assert.equal((await get(`from=${Date.now() + 60_000}`)).items.length, 0);
    const first = await get('limit=2');
    assert.equal(first.items.length, 2);
    assert.ok(first.next_cursor);
    const second = await get(`limit=2&cursor=${first.next_cursor}`);
    assert.equal(second.items.length, 1);
    assert.deepEqual(
      [...first.items, ...second.items].map((i) => i.event.id),
      [...committed].reverse().map((e) => e.id),
    );
    assert.equal((await get('', { kind: 'own', userId: bob })).items.length, 1);
    const asTeamAdmin = await get('', { kind: 'team', userId: randomUUID(), teamIds: [team] });
    assert.deepEqual(asTeamAdmin.items.map((i) => i.event.action).sort(), [
      'api_key.created',
      'team.updated',
    ]);
    const hidden = await fetch(`${h.url}/api/v1/audit/events/${committed[0]?.id}`, {
      headers: { 'x-test-scope': JSON.stringify({ kind: 'own', userId: bob }) },
    });
    assert.equal(hidden.status, 404);
    assert.equal((await fetch(`${h.url}/api/v1/audit/events?action=Auth`)).status, 400);
  });
});
