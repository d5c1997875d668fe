/**
 * POST /api/v1/generate over real HTTP against real PostgreSQL and the model simulator: the files as
 * structured JSON, streamed progress, one verifiable receipt per operation (failed ones included),
 * and every refusal with its stable code.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { canonicalBytes } from '../../src/evidence/core/jcs.js';
import {
  type AssistantFixture,
  codeOf,
  MODEL,
  readStream,
  sha256b64url,
  startAssistantFixture,
  verifiedInLog,
} from './support.js';

interface Generation {
  object: string;
  request_id: string;
  project_id: string | null;
  task_id: string | null;
  model: string;
  template: { id: string; version: number };
  summary: string;
  files: Array<{ path: string; language: string; content: string; bytes: number }>;
  rejected: Array<{ path: string; reason: string }>;
  usage: { prompt_tokens: number; completion_tokens: number };
  tecp_receipt: Record<string, unknown> & { ext: Record<string, unknown>; policy_ids: string[] };
}

describe('assistant: generate', () => {
  let f: AssistantFixture;
  let project: string;
  let task: string;

  before(async () => {
    f = await startAssistantFixture();
    const p = await f.call('POST', '/api/v1/projects', { json: { name: 'Billing service' } });
    project = ((await p.json()) as { id: string }).id;
    const t = await f.call('POST', `/api/v1/projects/${project}/tasks`, { json: { title: 'Tag cleanup' } });
    task = ((await t.json()) as { id: string }).id;
  });
  after(() => f.stop());

  test('answers the files as JSON with a receipt whose hashes cover the request and the answer', async () => {
    const body = {
      description: 'Write a function that normalizes tags',
      framework: 'express',
      language: 'TypeScript',
      files: [{ path: 'src/app.ts', content: "import express from 'express';\n" }],
      project_id: project,
      task_id: task,
    };
    const res = await f.call('POST', '/api/v1/generate', { json: body });
    assert.equal(res.status, 200);
    const answer = (await res.json()) as Generation;
    assert.equal(answer.object, 'assistant.generation');
    assert.deepEqual(
      answer.files.map((x) => x.path),
      ['src/normalizes-tags.ts', 'src/normalizes-tags.test.ts', 'src/routes/normalizes-tags.ts'],
    );
    assert.match(answer.files[0]?.content ?? '', /export function normalizesTags/);
    assert.deepEqual(answer.template, { id: 'generate', version: 1 });
    assert.equal(answer.model, MODEL);
    assert.ok(answer.usage.prompt_tokens > 0 && answer.usage.completion_tokens > 0);
    assert.match(res.headers.get('x-tecp-receipt-id') ?? '', /^p?\d+$/);

    const receipt = answer.tecp_receipt;
    const { tecp_receipt: _r, ...rest } = answer;
    assert.equal(receipt.input_hash, sha256b64url(canonicalBytes(body)));
    assert.equal(receipt.output_hash, sha256b64url(canonicalBytes(rest)));
    assert.equal(receipt.ext.op, 'generate');
    assert.equal(receipt.ext.status, 'ok');
    assert.equal(receipt.ext.project, project);
    assert.equal(receipt.ext.task, task);
    assert.equal(receipt.ext.model, MODEL);
    assert.equal(receipt.ext.backend, 'sim');
    assert.equal(receipt.ext.prompt_tokens, answer.usage.prompt_tokens);
    assert.ok(receipt.policy_ids.includes('no_retention'), 'retention none: the receipt says so');
    const verdict = await verifiedInLog(f.url, receipt);
    assert.equal(verdict.valid, true, JSON.stringify(verdict));

    const op = (await (await f.call('GET', `/api/v1/operations/${answer.request_id}`)).json()) as Record<
      string,
      unknown
    >;
    assert.equal(op.status, 'ok');
    assert.deepEqual(op.template, { id: 'generate', version: 1 });
    assert.equal(op.task_id, task);
    assert.equal(op.content_retained, false);
    assert.deepEqual((op.summary as { files: number }).files, 3);
    assert.equal(op.output_hash, receipt.output_hash);
  });

  test('streams progress, then the result, the receipt and [DONE]; the receipt covers the bytes before it', async () => {
    const res = await f.call('POST', '/api/v1/generate', {
      json: { description: 'parse csv rows in python', stream: true },
    });
    assert.equal(res.status, 200);
    const stream = await readStream(res);
    assert.equal(stream.done, true);
    const [first, ...others] = stream.events;
    assert.equal(first?.object, 'assistant.progress');
    assert.equal(first?.stage, 'started');
    const progress = others.filter((e) => e.object === 'assistant.progress');
    assert.ok(progress.length > 0, 'progress while the model writes');
    assert.deepEqual(progress.at(-1)?.files, ['parse_csv_rows.py', 'tests/test_parse_csv_rows.py']);
    const result = stream.events.at(-1) as unknown as Generation;
    assert.equal(result.object, 'assistant.generation');
    assert.equal(result.files.length, 2);
    const receipt = stream.receipt as Generation['tecp_receipt'];
    assert.equal(receipt.output_hash, sha256b64url(stream.beforeReceipt));
    assert.equal(receipt.ext.op, 'generate');
    assert.equal((await verifiedInLog(f.url, receipt)).valid, true);
  });

  test('refuses bad input with stable codes and no receipt', async () => {
    const cases: Array<[unknown, number, string]> = [
      [{}, 400, 'VALIDATION_FAILED'],
      [{ description: 42 }, 400, 'VALIDATION_FAILED'],
      [{ description: 'x', files: [{ path: '../../etc/passwd', content: 'x' }] }, 400, 'VALIDATION_FAILED'],
      [{ description: 'x', files: [{ path: '/abs.ts', content: 'x' }] }, 400, 'VALIDATION_FAILED'],
      [{ description: 'x', framework: 'multi\nline' }, 400, 'VALIDATION_FAILED'],
      [{ description: 'x', task_id: task }, 400, 'VALIDATION_FAILED'],
      [{ description: 'x', project_id: '6f1c2a8e-3b4d-4e5f-8a9b-0c1d2e3f4aff' }, 404, 'NOT_FOUND'],
      [{ description: 'x', model: 'no-such-model' }, 404, 'MODEL_NOT_FOUND'],
      [
        { description: 'x', files: Array.from({ length: 51 }, (_, i) => ({ path: `f${i}`, content: '' })) },
        413,
        'PAYLOAD_TOO_LARGE',
      ],
      [{ description: 'x', unknown: true }, 400, 'VALIDATION_FAILED'],
    ];
    for (const [json, status, code] of cases) {
      const res = await f.call('POST', '/api/v1/generate', { json });
      assert.equal(res.status, status, JSON.stringify(json));
      assert.equal(res.headers.get('x-tecp-receipt-id'), null);
      assert.equal(await codeOf(res), code, JSON.stringify(json));
    }
    const malformed = await f.call('POST', '/api/v1/generate', {
      body: '{"description": ',
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(malformed.status, 400);
    assert.equal(await codeOf(malformed), 'MALFORMED_JSON');
    const huge = await f.call('POST', '/api/v1/generate', {
      json: { description: 'x', files: [{ path: 'a', content: 'x'.repeat(5 * 1024 * 1024) }] },
    });
    assert.equal(huge.status, 413);
    assert.equal(await codeOf(huge), 'PAYLOAD_TOO_LARGE');
  });

  test('a backend that fails still leaves a receipt with status error, returned with the error', async () => {
    f.sim.setFault({ failRate: 1, status: 500 });
    try {
      const res = await f.call('POST', '/api/v1/generate', { json: { description: 'Write a retry helper' } });
      assert.equal(res.status, 502);
      const body = (await res.json()) as {
        error: { code: string };
        tecp_receipt: Generation['tecp_receipt'];
      };
      assert.equal(body.error.code, 'BACKEND_ERROR');
      assert.equal(body.tecp_receipt.ext.status, 'error');
      assert.equal(body.tecp_receipt.ext.op, 'generate');
      const { tecp_receipt: receipt, ...rest } = body;
      assert.equal(receipt.output_hash, sha256b64url(canonicalBytes(rest)));
      assert.match(res.headers.get('x-tecp-receipt-id') ?? '', /^p?\d+$/);
      assert.equal((await verifiedInLog(f.url, receipt)).valid, true);
    } finally {
      f.sim.setFault({});
    }
  });

  test('the templates in use, the operation history and the operation metrics', async () => {
    const templates = (await (await f.call('GET', '/api/v1/assistant/templates')).json()) as {
      items: Array<{ id: string; version: number; sha256: string; in_use: boolean }>;
    };
    assert.deepEqual(
      templates.items.map((t) => [t.id, t.version, t.in_use]),
      [
        ['analyze', 1, true],
        ['chat', 1, true],
        ['generate', 1, true],
      ],
    );
    const first = (await (await f.call('GET', '/api/v1/operations?op=generate&limit=1')).json()) as {
      items: Array<{ op: string }>;
      next_cursor: string | null;
    };
    assert.equal(first.items.length, 1);
    assert.ok(first.next_cursor, 'more than one generate operation ran');
    const next = (await (
      await f.call('GET', `/api/v1/operations?op=generate&limit=1&cursor=${first.next_cursor}`)
    ).json()) as { items: Array<{ request_id: string }> };
    assert.equal(next.items.length, 1);
    assert.equal(await codeOf(await f.call('GET', `/api/v1/operations/${crypto.randomUUID()}`)), 'NOT_FOUND');
    const metrics = await (await fetch(`${f.sso.app.metricsUrl}/metrics`)).text();
    assert.match(metrics, /aila_assistant_operations_total\{op="generate",status="ok"\} [1-9]/);
    assert.match(metrics, /aila_assistant_operations_total\{op="generate",status="error"\} [1-9]/);
  });
});
