/**
 * The auditor's compliance exports page in Chromium against the real appliance: create an export,
 * follow its progress, download the bundle and verify it offline; a second export proves the log
 * consistent with the checkpoint kept from the first.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { memberBody } from '../../server/src/compliance/bundle/archive.js';
import { verifyBundle } from '../../server/src/compliance/bundle/verify/verify-bundle.js';
import { SIM_MODEL, startUiAppliance, type UiAppliance } from './support/appliance.js';
import { CHROMIUM_MISSING, launchChromium, newContext, screenshot, signIn } from './support/browser.js';
import { type BuiltUi, buildUi } from './support/build-ui.js';

async function callModel(page: Page, content: string): Promise<void> {
  const status = await page.evaluate(
    async ({ model, text }) => {
      const me = (await (await fetch('/api/v1/me')).json()) as { csrf_token: string };
      const res = await fetch('/v1/chat/completions', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-csrf-token': me.csrf_token },
        body: JSON.stringify({ model, messages: [{ role: 'user', content: text }] }),
      });
      await res.text();
      return res.status;
    },
    { model: SIM_MODEL, text: content },
  );
  assert.equal(status, 200);
}

async function logSize(url: string): Promise<number> {
  return Number((await (await fetch(`${url}/log/receipts/checkpoint`)).text()).split('\n')[1] ?? 0);
}

describe('compliance exports in Chromium', { skip: CHROMIUM_MISSING }, () => {
  let ui: BuiltUi;
  let appliance: UiAppliance;
  let browser: Browser;
  let work: string;
  const contexts: BrowserContext[] = [];

  async function signedIn(name: string, path: string): Promise<Page> {
    const { context } = await newContext(browser);
    contexts.push(context);
    const page = await context.newPage();
    await signIn(page, appliance.url, name, path);
    return page;
  }

  /** Creates an export from the form and waits for its row to show it completed; returns the row's id. */
  async function createAndFinish(page: Page): Promise<string> {
    const before = await page.locator('tr[data-export-id]').count();
    await page.getByRole('button', { name: 'Create export' }).click();
    const rows = page.locator('tr[data-export-id]');
    await page.waitForFunction((n) => document.querySelectorAll('tr[data-export-id]').length > n, before);
    const row = rows.first();
    // The progress bar is there from the start and fills as the job runs.
    await row.getByRole('progressbar').waitFor();
    await row.getByText('completed', { exact: true }).waitFor();
    assert.equal(await row.getByRole('progressbar').getAttribute('value'), '100');
    return (await row.getAttribute('data-export-id')) as string;
  }

  async function downloadBundle(page: Page, id: string, name: string): Promise<string> {
    const row = page.locator(`tr[data-export-id="${id}"]`);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      row.getByRole('link', { name: 'Download' }).click(),
    ]);
    assert.equal(download.suggestedFilename(), `aila-export-${id}.tar.gz`);
    const file = join(work, name);
    await download.saveAs(file);
    return file;
  }

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'aila-ui-exports-'));
    ui = await buildUi();
    appliance = await startUiAppliance({
      distDir: ui.distDir,
      gateway: true,
      env: { AILA_COMPLIANCE_EXPORTS_DIR: join(work, 'exports') },
    });
    browser = await launchChromium();
  });
  after(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await appliance?.stop();
    await ui?.remove();
    if (work) await rm(work, { recursive: true, force: true });
  });

  test('export with progress and download', async () => {
    const developer = await signedIn('Dana Developer', '/workspace/keys');
    await callModel(developer, 'Write a Go function that sums a slice.');
    await callModel(developer, 'Explain optimistic locking.');
    const nav = developer.getByRole('navigation', { name: 'Main' });
    assert.equal(await nav.getByRole('link', { name: 'Compliance exports' }).count(), 0);
    for (let i = 0; i < 200 && (await logSize(appliance.url)) < 2; i++)
      await new Promise((r) => setTimeout(r, 50));

    const auditor = await signedIn('Arthur Auditor', '/audit/exports');
    await auditor
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Compliance exports' })
      .waitFor();
    await auditor.getByRole('heading', { name: 'Compliance exports', level: 1 }).waitFor();
    const first = await createAndFinish(auditor);
    const file = await downloadBundle(auditor, first, 'first.tar.gz');
    const report = await verifyBundle(file);
    assert.equal(report.valid, true, JSON.stringify(report.checks.filter((c) => !c.ok)));

    // The next audit: paste the kept checkpoint; the new bundle proves the log a continuation of it.
    let kept = '';
    for await (const chunk of memberBody(file, `aila-export-${first}/receipts/checkpoint`))
      kept += chunk.toString();
    await callModel(developer, 'One more question.');
    const keptSize = Number(kept.split('\n')[1]);
    for (let i = 0; i < 200 && (await logSize(appliance.url)) <= keptSize; i++)
      await new Promise((r) => setTimeout(r, 50));
    await auditor.getByRole('textbox', { name: 'Since checkpoint' }).fill(kept);
    const second = await createAndFinish(auditor);
    await auditor.locator(`tr[data-export-id="${second}"]`).getByText(`since size ${keptSize}`).waitFor();
    await auditor.getByRole('heading', { name: 'Exports', level: 2 }).scrollIntoViewIfNeeded();
    await auditor.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
    await screenshot(auditor, 'compliance-exports');
    const next = await downloadBundle(auditor, second, 'second.tar.gz');
    const again = await verifyBundle(next, { sinceCheckpoints: [kept] });
    assert.equal(again.valid, true, JSON.stringify(again.checks.filter((c) => !c.ok)));
    assert.ok(again.checks.some((c) => c.name === 'receipts consistency' && c.ok));
  });
});
