/**
 * Auditor and admin views in Chromium against the real appliance: the receipts explorer with
 * inclusion proofs recomputed in the browser, the checkpoints and the consistency check, the audit
 * log, the backends page (drain and enable) and the usage dashboard.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { SIM_MODEL, startUiAppliance, type UiAppliance } from './support/appliance.js';
import {
  CHROMIUM_MISSING,
  launchChromium,
  newContext,
  reloadUntil,
  screenshot,
  signIn,
} from './support/browser.js';
import { type BuiltUi, buildUi } from './support/build-ui.js';

/** One chat completion made from a signed-in page, as a tool using the session would. */
async function callModel(page: Page, prompt: string): Promise<void> {
  const status = await page.evaluate(
    async ({ model, content }) => {
      const me = (await (await fetch('/api/v1/me')).json()) as { csrf_token: string };
      const res = await fetch('/v1/chat/completions', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-csrf-token': me.csrf_token },
        body: JSON.stringify({ model, messages: [{ role: 'user', content }] }),
      });
      await res.text();
      return res.status;
    },
    { model: SIM_MODEL, content: prompt },
  );
  assert.equal(status, 200);
}

describe('auditor and admin views in Chromium', { skip: CHROMIUM_MISSING }, () => {
  let ui: BuiltUi;
  let appliance: UiAppliance;
  let browser: Browser;
  let developer: Page;
  let auditor: Page;
  let admin: Page;
  const contexts: Array<{ context: BrowserContext; problems: string[] }> = [];

  async function signedIn(name: string, path: string): Promise<Page> {
    const opened = await newContext(browser);
    contexts.push(opened);
    const page = await opened.context.newPage();
    await signIn(page, appliance.url, name, path);
    return page;
  }

  before(async () => {
    ui = await buildUi();
    appliance = await startUiAppliance({ distDir: ui.distDir, gateway: true });
    browser = await launchChromium();
    developer = await signedIn('Dana Developer', '/workspace/keys');
    await callModel(developer, 'Write a Go function that sums a slice.');
    await callModel(developer, 'Explain optimistic locking.');
    auditor = await signedIn('Arthur Auditor', '/audit/receipts');
    admin = await signedIn('Alice Admin', '/admin/backends');
  });

  after(async () => {
    for (const { context } of contexts) await context.close();
    await browser?.close();
    await appliance?.stop();
    await ui?.remove();
  });

  test('an auditor sees evidence pages but no chat', async () => {
    const nav = auditor.getByRole('navigation', { name: 'Main' });
    for (const link of ['Audit log', 'Receipts', 'Checkpoints', 'Verify a receipt']) {
      await nav.getByRole('link', { name: link }).waitFor();
    }
    assert.equal(await nav.getByRole('link', { name: 'Chat' }).count(), 0);
    assert.equal(await nav.getByRole('link', { name: 'Users' }).count(), 0);
  });

  test('the receipts explorer proves a receipt’s inclusion in the browser and verifies it', async () => {
    await auditor.goto(`${appliance.url}/audit/receipts`);
    const rows = auditor.getByRole('row').filter({ hasText: 'chat_completions' });
    await reloadUntil(auditor, async () => (await rows.filter({ hasText: /#\d+/ }).count()) >= 2);
    await screenshot(auditor, 'receipts');
    await rows
      .first()
      .getByRole('button', { name: /^Open receipt/ })
      .click();
    const drawer = auditor.getByRole('dialog', { name: /^Receipt #\d+$/ });
    await drawer.getByText('Included in the receipts log').waitFor();
    const steps = drawer.getByRole('list', { name: 'Inclusion proof steps' });
    assert.equal(await steps.locator('.check-fail').count(), 0);
    assert.equal(await steps.locator('.check-pass').count(), 6);
    await drawer.getByRole('button', { name: 'Verify' }).click();
    await drawer.getByText('Receipt verified').waitFor();
    assert.match(auditor.url(), /\/audit\/receipts\/\d+$/);
    await drawer.getByText('Included in the receipts log').scrollIntoViewIfNeeded();
    await screenshot(auditor, 'receipt-detail');

    // A deep link opens the same receipt.
    await auditor.reload();
    await auditor
      .getByRole('dialog', { name: /^Receipt #\d+$/ })
      .getByText('Included in the receipts log')
      .waitFor();
  });

  test('checkpoints verify, and a kept checkpoint is proven consistent with a later one', async () => {
    await auditor.goto(`${appliance.url}/audit/checkpoints`);
    const receiptsLog = auditor.getByRole('region', { name: 'Receipts log' });
    await receiptsLog.getByText('Signature verified').waitFor();
    await auditor.getByRole('region', { name: 'Audit log' }).getByText('Signature verified').waitFor();
    await receiptsLog.getByText('Signed checkpoint (c2sp.org/tlog-checkpoint)').click();
    const kept = (await receiptsLog.locator('pre').textContent()) ?? '';
    const keptSize = Number(/\n(\d+)\n/.exec(kept)?.[1]);
    assert.ok(keptSize >= 2, kept);

    await callModel(developer, 'Write a SQL query that finds duplicate e-mails.');
    const size = auditor.getByTestId('receipts-size');
    await reloadUntil(auditor, async () => Number.parseInt((await size.textContent()) ?? '0', 10) > keptSize);

    const check = auditor.getByRole('region', { name: 'Prove the log was not rewritten' });
    await check.getByRole('textbox', { name: 'Earlier checkpoint' }).fill(kept);
    await check.getByRole('button', { name: 'Check consistency' }).click();
    const steps = check.getByRole('list', { name: 'Consistency steps' });
    await steps.waitFor();
    assert.equal(await steps.locator('.check-fail').count(), 0);
    assert.equal(await steps.locator('.check-pass').count(), 4);
    await steps.scrollIntoViewIfNeeded();
    await screenshot(auditor, 'checkpoints');

    // A checkpoint whose root was altered is refused: its signature no longer verifies.
    const lines = kept.split('\n');
    const root = lines[2] ?? '';
    lines[2] = `${root.startsWith('A') ? 'B' : 'A'}${root.slice(1)}`;
    const forged = lines.join('\n');
    await check.getByRole('textbox', { name: 'Earlier checkpoint' }).fill(forged);
    await check.getByRole('button', { name: 'Check consistency' }).click();
    await check.locator('.check-fail').first().waitFor();
  });

  test('the audit log lists sign-ins and proves an event’s inclusion in the audit log', async () => {
    await auditor.goto(`${appliance.url}/audit/events`);
    const filters = auditor.getByRole('form', { name: 'Filter audit events' });
    await filters.getByRole('combobox', { name: 'Action' }).fill('auth.*');
    await filters.getByRole('button', { name: 'Apply' }).click();
    await auditor.waitForURL(/\/audit\/events\?action=auth\.\*$/);
    const logins = auditor.getByRole('row').filter({ hasText: 'auth.login' });
    const others = auditor.getByRole('row').filter({ hasText: 'role.granted' });
    await reloadUntil(
      auditor,
      async () => (await logins.filter({ hasText: /#\d+/ }).count()) >= 3 && (await others.count()) === 0,
    );
    await screenshot(auditor, 'audit-log');
    await logins
      .filter({ hasText: /#\d+/ })
      .first()
      .getByRole('button', { name: /^Details of auth.login/ })
      .click();
    const drawer = auditor.getByRole('dialog', { name: 'auth.login' });
    await drawer.getByText('Included in the audit log').waitFor();
    await screenshot(auditor, 'audit-event');
  });

  test('an admin drains a backend and enables it again', async () => {
    await admin.goto(`${appliance.url}/admin/backends`);
    const row = admin.getByRole('row').filter({ hasText: SIM_MODEL });
    await row.getByText('Healthy').waitFor();
    await screenshot(admin, 'admin-backends');
    await row.getByRole('button', { name: /^Drain/ }).click();
    const dialog = admin.getByRole('dialog', { name: /^Drain/ });
    await dialog.getByRole('textbox', { name: 'Reason' }).fill('GPU driver upgrade');
    await dialog.getByRole('button', { name: 'Drain' }).click();
    await row.getByText('Drained').waitFor();
    await row.getByRole('button', { name: 'Enable' }).click();
    await row.getByText('Healthy').waitFor();
  });

  test('the usage dashboard shows calls by day, team, user and model', async () => {
    await admin.goto(`${appliance.url}/admin/usage`);
    const users = admin.getByRole('figure', { name: 'Top users by tokens' });
    await reloadUntil(
      admin,
      async () => (await users.getByRole('rowheader', { name: 'Dana Developer' }).count()) > 0,
    );
    await admin
      .getByRole('figure', { name: 'Tokens by model' })
      .getByRole('rowheader', { name: SIM_MODEL })
      .waitFor();
    await admin.getByRole('figure', { name: 'Tokens by team' }).waitFor();
    await screenshot(admin, 'admin-usage');
  });

  test('no page error, console error or CSP violation happened', () => {
    assert.deepEqual(
      contexts.flatMap((c) => c.problems),
      [],
    );
  });
});
