/**
 * Export jobs survive restarts and never run twice: a replica killed in the middle of an export
 * loses its lease and another replica restarts the job to a valid bundle; two replicas claiming at
 * once never get the same job; expired bundles are deleted.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { verifyBundle } from '../../src/compliance/bundle/verify/verify-bundle.js';
import { claimJob } from '../../src/compliance/export/job-repository.js';
import { spawnTs } from '../support/process.js';
import { AUDITOR, exportNow, type Harness, openHarness, waitForJob } from './harness.js';

const period = () => ({
  from: new Date(Date.now() - 3600_000).toISOString(),
  to: new Date(Date.now() + 3600_000).toISOString(),
});

describe('export jobs: leases, restarts, replicas, retention', () => {
  let h: Harness;

  before(async () => {
    h = await openHarness();
    await h.record(6000, { audit: false });
    await h.record(20);
    await h.waitForLogs();
  });
  after(() => h?.close());

  test('a replica killed mid-export: the job is taken over and restarted to a valid bundle', async () => {
    const child = spawnTs('server/test/compliance/fixtures/replica.ts', [], {
      ...h.env,
      AILA_EVIDENCE_SEQUENCER_ENABLED: 'false',
      AILA_COMPLIANCE_EXPORTS_LEASE_MS: '5000',
    });
    try {
      await child.waitFor(/replica \S+ ready/);
      // Only the API on this replica for now: the child process takes the job.
      const api = await h.replica({ AILA_COMPLIANCE_EXPORTS_WORKERS: '0' });
      const row = await api.service.create(AUDITOR, { ...period(), include: ['receipts', 'audit'] } as never);
      const work = join(h.dir, `.work-${row.id}-a1`, 'receipts-entries.jsonl');
      for (let i = 0; i < 2000; i++) {
        if (existsSync(work) && (await stat(work)).size > 0) break;
        await new Promise((r) => setTimeout(r, 5));
      }
      assert.ok(existsSync(work), 'the child started writing the bundle');
      child.proc.kill('SIGKILL');
      await child.exited;
      const running = await h.db('export_jobs').where({ id: row.id }).first();
      assert.equal(running.status, 'running');
      assert.equal(running.attempts, 1);
      // A surviving replica takes the job over once the lease runs out, and restarts it cleanly.
      const survivor = await h.replica({ AILA_COMPLIANCE_EXPORTS_LEASE_MS: '5000' });
      survivor.start();
      const done = await waitForJob(survivor, row.id);
      assert.equal(done.status, 'completed');
      const job = await h.db('export_jobs').where({ id: row.id }).first();
      assert.equal(job.attempts, 2);
      assert.equal(job.counts.receipts, 6020);
      assert.equal(Number(job.entries_written), job.counts.receipts + job.counts.audit);
      const report = await verifyBundle(join(h.dir, job.file_name));
      assert.equal(report.valid, true, JSON.stringify(report.checks.filter((c) => !c.ok)));
      // The killed attempt's work directory is swept; the bundle stays.
      await survivor.runner.sweep();
      const left = await readdir(h.dir);
      assert.deepEqual(
        left.filter((n) => n.includes(row.id)),
        [job.file_name],
      );
      await survivor.stop();
    } finally {
      child.proc.kill('SIGKILL');
    }
  });

  test('two replicas claiming at once never take the same job; each job runs once', async () => {
    const a = await h.replica({ AILA_COMPLIANCE_EXPORTS_WORKERS: '0' });
    const ids: string[] = [];
    for (let i = 0; i < 4; i++)
      ids.push((await a.service.create(AUDITOR, { ...period(), include: ['audit'] } as never)).id);
    const claims = await Promise.all(
      Array.from({ length: 8 }, (_, i) => claimJob(h.db, `replica-${i % 2}`, 60_000)),
    );
    const claimed = claims.filter((c) => c !== undefined).map((c) => c?.id);
    assert.equal(claimed.length, 4);
    assert.equal(new Set(claimed).size, 4);
    await h.db('export_jobs').whereIn('id', ids).update({ status: 'queued', lease_owner: null, attempts: 0 });
    const one = await h.replica();
    const two = await h.replica();
    one.start();
    two.start();
    const results = await Promise.all(ids.map((id) => waitForJob(one, id)));
    assert.deepEqual(
      results.map((r) => r.status),
      ['completed', 'completed', 'completed', 'completed'],
    );
    const rows = await h.db('export_jobs').whereIn('id', ids);
    for (const row of rows) assert.equal(row.attempts, 1, `job ${row.id} ran ${row.attempts} times`);
    await one.stop();
    await two.stop();
  });

  test('expired bundles are deleted and their exports marked expired', async () => {
    const replica = await h.replica();
    replica.start();
    const job = await exportNow(replica, { include: ['audit'] });
    assert.equal(job.status, 'completed');
    await h
      .db('export_jobs')
      .where({ id: job.id })
      .update({ expires_at: new Date(Date.now() - 1000) });
    const swept = await replica.runner.sweep();
    assert.ok(swept.expired >= 1);
    assert.equal(existsSync(join(h.dir, job.file as string)), false);
    assert.equal((await replica.service.get(job.id)).status, 'expired');
    await replica.stop();
  });
});
