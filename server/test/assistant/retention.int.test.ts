/**
 * Content retention `full` (CONTENT-API.md) across the gateway and the assistant: the `openai`
 * client still works unchanged against /v1 (streaming and not), every operation's content is stored
 * sealed and decrypts to exactly the bytes its receipt hashes, receipts drop `no_retention`, chat
 * messages come back decrypted, and the retention job purges expired message texts.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import OpenAI from 'openai';
import type { Browser } from '../identity/support.js';
import { signIn } from '../identity/support.js';
import {
  type AssistantFixture,
  codeOf,
  MODEL,
  readStream,
  sha256b64url,
  startAssistantFixture,
  verifiedInLog,
} from './support.js';

interface Part {
  media_type: string;
  sha256: string;
  text?: string;
}
type Receipt = {
  input_hash: string;
  output_hash: string;
  policy_ids: string[];
  ext: Record<string, unknown>;
};

describe('assistant and gateway with content retention full', () => {
  let f: AssistantFixture;
  let admin: Browser;
  let client: OpenAI;

  /** The retained content of an operation, through the audited break-glass read. */
  async function retained(requestId: string): Promise<{ input: Part; output: Part; op: string }> {
    const res = await admin.send('POST', '/api/v1/admin/content/read', {
      request_id: requestId,
      reason: 'integration test of content retention',
    });
    assert.equal(res.status, 200, await res.clone().text());
    return (await res.json()) as { input: Part; output: Part; op: string };
  }

  /** Checks the stored content against the receipt: the same bytes, hash for hash. */
  async function matches(requestId: string, receipt: Receipt, op: string) {
    const content = await retained(requestId);
    assert.equal(content.op, op);
    assert.equal(content.input.sha256, receipt.input_hash, 'input bytes hash to input_hash');
    assert.equal(content.output.sha256, receipt.output_hash, 'output bytes hash to output_hash');
    assert.ok(!receipt.policy_ids.includes('no_retention'));
    assert.equal((await verifiedInLog(f.url, receipt)).valid, true);
    return content;
  }

  before(async () => {
    f = await startAssistantFixture();
    admin = await signIn(f.sso.app, 'admin@ai-la.dev');
    const set = await admin.send('PUT', '/api/v1/admin/settings', { retention: { content: 'full' } });
    assert.equal(set.status, 200, await set.clone().text());
    const gatewayKey = await f.browser.send('POST', '/api/v1/me/keys', {
      name: 'openai',
      scopes: ['gateway'],
    });
    const { secret } = (await gatewayKey.json()) as { secret: string };
    client = new OpenAI({ baseURL: `${f.url}/v1`, apiKey: secret, maxRetries: 0 });
  });
  after(() => f.stop());

  test('the openai client is unaffected; /v1 content is stored as the receipt hashes it (JSON)', async () => {
    const { data, response } = await client.chat.completions
      .create({ model: MODEL, messages: [{ role: 'user', content: 'Write a Go function that sums ints' }] })
      .withResponse();
    assert.match(data.choices[0]?.message.content ?? '', /```go/);
    const receipt = (data as unknown as { tecp_receipt: Receipt }).tecp_receipt;
    const content = await matches(response.headers.get('x-request-id') ?? '', receipt, 'chat_completions');
    assert.equal(content.output.media_type, 'application/json');
    assert.match(content.input.text ?? '', /sums ints/);
  });

  test('the openai client streams as before; the stored stream is the bytes before the receipt event', async () => {
    const stream = await client.chat.completions.create({
      model: MODEL,
      messages: [{ role: 'user', content: 'Write a Rust function that reverses a vector' }],
      stream: true,
    });
    let text = '';
    let receipt: Receipt | undefined;
    for await (const chunk of stream) {
      const extra = chunk as unknown as { object: string; tecp_receipt?: Receipt };
      if (extra.object === 'tecp.receipt') receipt = extra.tecp_receipt;
      else text += chunk.choices[0]?.delta?.content ?? '';
    }
    assert.match(text, /```rust/);
    assert.ok(receipt);
    const content = await matches(String(receipt.ext.request_id), receipt, 'chat_completions');
    assert.equal(content.output.media_type, 'text/event-stream');
    assert.ok(content.output.text?.endsWith('\n\n') && !content.output.text.includes('tecp.receipt'));
  });

  test('generate and analyze content is stored, JSON and streamed', async () => {
    const generated = await f.call('POST', '/api/v1/generate', {
      json: { description: 'Write a slugify helper' },
    });
    const g = (await generated.json()) as { request_id: string; tecp_receipt: Receipt };
    const stored = await matches(g.request_id, g.tecp_receipt, 'generate');
    assert.equal(stored.output.media_type, 'application/json');

    const streamed = await readStream(
      await f.call('POST', '/api/v1/analyze', {
        json: { files: [{ path: 'a.js', content: 'eval(input);\n' }], stream: true },
      }),
    );
    const receipt = streamed.receipt as Receipt;
    const content = await matches(String(receipt.ext.request_id), receipt, 'analyze');
    assert.equal(content.output.text, streamed.beforeReceipt.toString('utf8'));

    const op = (await (await f.call('GET', `/api/v1/operations/${g.request_id}`)).json()) as {
      content_retained: boolean;
    };
    assert.equal(op.content_retained, true);
  });

  test('chat messages are sealed, read back decrypted, and their texts purged by the retention job', async () => {
    const first = await f.call('POST', '/api/v1/chat', {
      json: { messages: [{ role: 'user', content: 'How do I read a file in Python?' }] },
    });
    assert.equal(first.status, 200);
    const answer = (await first.json()) as {
      request_id: string;
      conversation_id: string;
      message: { content: string };
      tecp_receipt: Receipt;
    };
    await matches(answer.request_id, answer.tecp_receipt, 'chat');
    const page = (await (
      await f.call('GET', `/api/v1/conversations/${answer.conversation_id}/messages`)
    ).json()) as {
      items: Array<{ role: string; content: string | null; content_status: string; content_sha256: string }>;
    };
    assert.deepEqual(
      page.items.map((m) => [m.role, m.content_status]),
      [
        ['user', 'retained'],
        ['assistant', 'retained'],
      ],
    );
    assert.equal(page.items[0]?.content, 'How do I read a file in Python?');
    assert.equal(page.items[1]?.content, answer.message.content);
    assert.equal(
      page.items[1]?.content_sha256,
      Buffer.from(sha256b64url(answer.message.content), 'base64url').toString('hex'),
    );
    const sealed = await f.sso.app
      .db('conversation_messages')
      .whereNotNull('content_sealed')
      .count('* as n')
      .first();
    assert.equal(Number(sealed?.n), 2);
    const plain = await f.sso.app
      .db('conversation_messages')
      .whereRaw("position(convert_to('How do I read', 'UTF8') in content_sealed) > 0")
      .count('* as n')
      .first();
    assert.equal(Number(plain?.n), 0, 'no plaintext in the sealed column');

    // Messages older than the content period: a retention run removes their texts, not their metadata.
    const days = await admin.send('PUT', '/api/v1/admin/settings', { retention: { content_days: 1 } });
    assert.equal(days.status, 200);
    await f.sso.app.db('conversation_messages').update({ created_at: new Date(Date.now() - 3 * 86_400_000) });
    const run = await admin.send('POST', '/api/v1/admin/retention/runs', {});
    assert.equal(run.status, 201, await run.clone().text());
    const { deleted } = ((await run.json()) as { run: { deleted: Record<string, number> } }).run;
    assert.equal(deleted.assistant_messages, 2);
    const after = (await (
      await f.call('GET', `/api/v1/conversations/${answer.conversation_id}/messages`)
    ).json()) as {
      items: Array<{ content: string | null; content_status: string; content_chars: number }>;
    };
    assert.deepEqual(
      after.items.map((m) => m.content_status),
      ['not_retained', 'not_retained'],
    );
    assert.ok((after.items[0]?.content_chars ?? 0) > 0, 'the metadata stays');
  });

  test('a legal hold keeps retained conversations, and the tasks and projects holding them, from deletion', async () => {
    const project = (await (
      await f.call('POST', '/api/v1/projects', { json: { name: 'Held work' } })
    ).json()) as {
      id: string;
    };
    const task = (await (
      await f.call('POST', `/api/v1/projects/${project.id}/tasks`, { json: { title: 'Parser' } })
    ).json()) as { id: string };
    const chat = await f.call('POST', '/api/v1/chat', {
      json: {
        project_id: project.id,
        task_id: task.id,
        messages: [{ role: 'user', content: 'Keep this for the lawyers' }],
      },
    });
    assert.equal(chat.status, 200, await chat.clone().text());
    const { conversation_id: conversationId } = (await chat.json()) as { conversation_id: string };
    const me = await f.browser.json<{ user: { id: string } }>('/api/v1/me');
    const placed = await admin.send('POST', '/api/v1/compliance/legal-holds', {
      scope: 'user',
      id: me.user.id,
      reason: 'Litigation hold on the developer',
    });
    assert.equal(placed.status, 201);
    const { hold } = (await placed.json()) as { hold: { id: string } };
    for (const path of [
      `/api/v1/conversations/${conversationId}`,
      `/api/v1/projects/${project.id}/tasks/${task.id}`,
      `/api/v1/projects/${project.id}`,
    ]) {
      const refused = await f.call('DELETE', path);
      assert.equal(refused.status, 409, path);
      assert.equal(await codeOf(refused), 'LEGAL_HOLD_ACTIVE');
    }
    assert.equal((await f.call('GET', `/api/v1/conversations/${conversationId}`)).status, 200, 'still there');
    assert.equal((await admin.send('DELETE', `/api/v1/compliance/legal-holds/${hold.id}`)).status, 200);
    assert.equal(
      (await f.call('DELETE', `/api/v1/projects/${project.id}`)).status,
      204,
      'released: deletable',
    );
  });

  test('a reused x-request-id keeps the first content, and the second receipt does not claim retention', async () => {
    const requestId = randomUUID();
    const ask = (content: string) =>
      client.chat.completions.create(
        { model: MODEL, messages: [{ role: 'user', content }], max_tokens: 8 },
        { headers: { 'x-request-id': requestId } },
      ) as Promise<unknown> as Promise<{ tecp_receipt: Receipt }>;
    const first = await ask('first use of the id');
    const second = await ask('the same id again');
    assert.ok(!first.tecp_receipt.policy_ids.includes('no_retention'));
    assert.ok(second.tecp_receipt.policy_ids.includes('no_retention'), 'nothing of the second call was kept');
    const kept = await retained(requestId);
    assert.equal(kept.input.sha256, first.tecp_receipt.input_hash, 'the first content stays');
  });
});
