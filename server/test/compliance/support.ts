/**
 * Helpers of the compliance tests: the appliance with SSO and the simulated model backend, waiting
 * for the logs, creating and downloading exports, and rewriting a bundle to tamper with it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { openArchive } from '../../src/compliance/bundle/archive.js';
import { type ArchiveMember, writeArchive } from '../../src/compliance/export/files.js';
import { type RunningSimulator, startSimulator } from '../../src/dev/simulator/index.js';
import { type Browser, type SsoFixture, startSsoFixture } from '../identity/support.js';

export const MODEL = 'ai-la/sim-coder-7b';

export interface ComplianceFixture {
  sso: SsoFixture;
  sim: RunningSimulator;
  exportsDir: string;
  stop(): Promise<void>;
}

export async function startComplianceFixture(env: Record<string, string> = {}): Promise<ComplianceFixture> {
  const sim = await startSimulator({ models: [MODEL] });
  const exportsDir = await mkdtemp(join(tmpdir(), 'aila-exports-'));
  const keysDir = await mkdtemp(join(tmpdir(), 'aila-keys-'));
  const sso = await startSsoFixture({
    AILA_GATEWAY_BACKENDS: JSON.stringify([{ name: 'sim', url: sim.url, models: [MODEL] }]),
    AILA_COMPLIANCE_EXPORTS_DIR: exportsDir,
    AILA_COMPLIANCE_EXPORTS_POLL_MS: '200',
    AILA_COMPLIANCE_EXPORTS_PAGE_SIZE: '100',
    AILA_EVIDENCE_KEYS_DIR: keysDir,
    AILA_EVIDENCE_CHECKPOINT_INTERVAL_MS: '100',
    ...env,
  });
  return {
    sso,
    sim,
    exportsDir,
    stop: async () => {
      await sso.stop();
      await sim.close();
      await rm(exportsDir, { recursive: true, force: true });
      await rm(keysDir, { recursive: true, force: true });
    },
  };
}

/** An API key of `scope` for a signed-in user. */
export async function apiKey(browser: Browser, scope: string): Promise<string> {
  const res = await browser.send('POST', '/api/v1/me/keys', { name: `test ${scope}`, scopes: [scope] });
  if (res.status !== 201) throw new Error(`POST /api/v1/me/keys: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { secret: string }).secret;
}

/** The real openai client against the appliance's gateway. */
export const openai = (url: string, key: string) =>
  new OpenAI({ baseURL: `${url}/v1`, apiKey: key, maxRetries: 0 });

/** Waits until a log's published checkpoint has at least `size` entries; returns the checkpoint. */
export async function waitForLog(url: string, log: 'receipts' | 'audit', size: number): Promise<string> {
  for (let i = 0; i < 300; i++) {
    const note = await (await fetch(`${url}/log/${log}/checkpoint`)).text();
    if (Number(note.split('\n')[1] ?? 0) >= size) return note;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`the ${log} log did not reach ${size} entries`);
}

export interface ExportView {
  id: string;
  status: string;
  progress: { entries_written: number; entries_total: number | null; bytes: number; percent: number };
  bundle: { file_name: string; bytes: number; sha256: string; counts: Record<string, number> } | null;
  error: { code: string; message: string } | null;
}

/** Polls an export until it is completed or failed. */
export async function waitForExport(browser: Browser, id: string): Promise<ExportView> {
  for (let i = 0; i < 600; i++) {
    const view = await browser.json<ExportView>(`/api/v1/compliance/exports/${id}`);
    if (view.status === 'completed' || view.status === 'failed') return view;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`export ${id} did not finish`);
}

/** The members of a bundle file, in order. */
export async function readMembers(file: string): Promise<Array<{ path: string; data: Buffer }>> {
  const out: Array<{ path: string; data: Buffer }> = [];
  for await (const entry of openArchive(file)) {
    const parts: Buffer[] = [];
    for await (const chunk of entry.body) parts.push(chunk);
    out.push({ path: entry.path, data: Buffer.concat(parts) });
  }
  return out;
}

/** Writes a bundle again after `edit` changed its members (what a forger would do). */
export async function rewrite(
  source: string,
  target: string,
  edit: (members: Map<string, Buffer>) => void,
): Promise<void> {
  const members = await readMembers(source);
  const root = (members[0]?.path ?? '').split('/')[0] as string;
  const map = new Map(members.map((m) => [m.path.slice(root.length + 1), m.data]));
  edit(map);
  const list: ArchiveMember[] = [...map].map(([path, data]) => ({ path: `${root}/${path}`, data }));
  await writeArchive(target, list, { gzipLevel: 1, mtimeMs: Date.now() });
}
