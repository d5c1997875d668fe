/**
 * The assistant's integration test fixture: the real appliance (SSO through the development IdP,
 * the model simulator as the only backend, generated evidence keys), a signed-in developer with an
 * API key of scope `assistant`, and helpers to call the API, read event streams and verify receipts
 * through the appliance's own verify endpoint.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningSimulator, startSimulator } from '../../src/dev/simulator/index.js';
import { type Browser, type SsoFixture, signIn, startSsoFixture } from '../identity/support.js';

export const MODEL = 'ai-la/sim-coder-7b';

export interface AssistantFixture {
  sso: SsoFixture;
  sim: RunningSimulator;
  /** The developer's browser session (cookie + CSRF). */
  browser: Browser;
  /** The developer's API key (scope `assistant`). */
  key: string;
  url: string;
  /** A request with the API key; `json` is sent as the body. */
  call(
    method: string,
    path: string,
    init?: { json?: unknown; body?: BodyInit; headers?: Record<string, string> },
  ): Promise<Response>;
  stop(): Promise<void>;
}

export async function startAssistantFixture(env: Record<string, string> = {}): Promise<AssistantFixture> {
  const sim = await startSimulator({ models: [MODEL] });
  const keysDir = await mkdtemp(join(tmpdir(), 'aila-assistant-keys-'));
  const sso = await startSsoFixture({
    AILA_GATEWAY_BACKENDS: JSON.stringify([{ name: 'sim', url: sim.url, models: [MODEL] }]),
    AILA_GATEWAY_USAGE_BATCH_SIZE: '1',
    AILA_EVIDENCE_KEYS_DIR: keysDir,
    AILA_EVIDENCE_CHECKPOINT_INTERVAL_MS: '100',
    ...env,
  });
  const browser = await signIn(sso.app, 'dev@ai-la.dev');
  const created = await browser.send('POST', '/api/v1/me/keys', {
    name: 'assistant tests',
    scopes: ['assistant'],
  });
  assert.equal(created.status, 201, await created.clone().text());
  const key = ((await created.json()) as { secret: string }).secret;
  const url = sso.app.url;
  return {
    sso,
    sim,
    browser,
    key,
    url,
    call: (method, path, init = {}) =>
      fetch(`${url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${key}`,
          ...(init.json !== undefined ? { 'content-type': 'application/json' } : {}),
          ...init.headers,
        },
        body: init.json !== undefined ? JSON.stringify(init.json) : init.body,
      }),
    stop: async () => {
      await sso.stop();
      await sim.close();
      await rm(keysDir, { recursive: true, force: true });
    },
  };
}

export const sha256b64url = (bytes: Buffer | string) =>
  createHash('sha256').update(bytes).digest('base64url');

/** A read event stream: the JSON events, the receipt, and the bytes its output_hash covers. */
export interface ReadStream {
  events: Array<Record<string, unknown>>;
  receipt: Record<string, unknown> | undefined;
  /** Every byte before the receipt event. */
  beforeReceipt: Buffer;
  done: boolean;
  raw: Buffer;
}

/** Reads a whole `text/event-stream` answer. */
export async function readStream(response: Response): Promise<ReadStream> {
  assert.match(response.headers.get('content-type') ?? '', /^text\/event-stream/);
  const raw = Buffer.from(await response.arrayBuffer());
  const text = raw.toString('utf8');
  const events: Array<Record<string, unknown>> = [];
  let receipt: Record<string, unknown> | undefined;
  let beforeReceipt = raw;
  let done = false;
  let offset = 0;
  for (const block of text.split('\n\n')) {
    if (block === '') continue;
    const data = block.replace(/^data: /, '');
    if (data === '[DONE]') done = true;
    else {
      const event = JSON.parse(data) as Record<string, unknown>;
      if (event.object === 'tecp.receipt') {
        receipt = event.tecp_receipt as Record<string, unknown>;
        beforeReceipt = raw.subarray(0, Buffer.byteLength(text.slice(0, offset)));
      } else events.push(event);
    }
    offset += block.length + 2;
  }
  return { events, receipt, beforeReceipt, done, raw };
}

/** The appliance's verdict on a receipt once it is in the log (POST /api/v1/tecp/verify). */
export async function verifiedInLog(url: string, receipt: unknown): Promise<Record<string, unknown>> {
  for (let i = 0; i < 100; i++) {
    const res = await fetch(`${url}/api/v1/tecp/verify`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ receipt }),
    });
    const verdict = (await res.json()) as { valid: boolean; checks: { in_log: boolean } };
    if (verdict.checks.in_log) return verdict;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the receipt was never integrated into the log');
}

/** The error code of an appliance error answer. */
export async function codeOf(response: Response): Promise<string | undefined> {
  return ((await response.json()) as { error?: { code?: string } }).error?.code;
}
