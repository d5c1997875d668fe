/**
 * The developer workspace in Chromium against the real appliance and the model simulator: streamed
 * chat answers whose receipts verify in the browser and at the appliance, stopping an answer, own
 * usage, and verifying a receipt pasted from an API answer.
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

describe('developer workspace in Chromium', { skip: CHROMIUM_MISSING }, () => {
  let ui: BuiltUi;
  let appliance: UiAppliance;
  let browser: Browser;
  let page: Page;
  const contexts: Array<{ context: BrowserContext; problems: string[] }> = [];

  before(async () => {
    ui = await buildUi();
    appliance = await startUiAppliance({ distDir: ui.distDir, gateway: true });
    browser = await launchChromium();
    const opened = await newContext(browser);
    contexts.push(opened);
    page = await opened.context.newPage();
    await signIn(page, appliance.url, 'Dana Developer', '/workspace/chat');
  });

  after(async () => {
    for (const { context } of contexts) await context.close();
    await browser?.close();
    await appliance?.stop();
    await ui?.remove();
  });

  const answers = () => page.getByRole('article', { name: 'Answer' });

  test('an answer streams in token by token and renders Markdown with highlighted code', async () => {
    await page.getByRole('combobox', { name: 'Model' }).getByRole('option', { name: SIM_MODEL }).waitFor({
      state: 'attached',
    });
    await page
      .getByRole('textbox', { name: 'Message' })
      .fill('Write a Python function that reverses a string.');
    await page.getByRole('button', { name: 'Send' }).click();

    // While the answer is still streaming, part of it is already on screen.
    const streaming = page.locator('article[aria-busy="true"] .markdown');
    await streaming.filter({ hasText: /\S/ }).waitFor();
    const partial = (await streaming.textContent()) ?? '';
    await page.getByRole('button', { name: 'Stop' }).waitFor();

    const answer = answers().last();
    await answer.and(page.locator('[aria-busy="false"]')).waitFor();
    const final = (await answer.locator('.markdown').textContent()) ?? '';
    assert.ok(partial.length > 0 && final.length > partial.length, 'the text grew after it first appeared');
    assert.ok(final.startsWith(partial.trimEnd().slice(0, 20)));
    await answer.locator('code.hljs.language-python .hljs-keyword').first().waitFor();
  });

  test('the answer’s receipt verifies in the browser and at the appliance', async () => {
    const answer = answers().last();
    await answer.getByRole('button', { name: 'Verify' }).click();
    await answer.getByText('Receipt verified').waitFor();
    const steps = answer.getByRole('list', { name: 'Verification steps' });
    assert.equal(await steps.locator('.check-fail').count(), 0);
    assert.equal(await steps.locator('.check-pass').count(), 9);
    for (const step of [
      'Input hash matches the request this browser sent',
      'Output hash matches the bytes this browser received',
      'Checkpoint signed by the receipts log key, checked in this browser',
    ]) {
      await steps.getByText(step).waitFor();
    }
    await steps.scrollIntoViewIfNeeded();
    await screenshot(page, 'chat');
    await answer.locator('.receipt-details summary').click();
    await answer.getByText('Key id', { exact: true }).waitFor();
  });

  test('stopping an answer keeps what arrived and says so', async () => {
    await page
      .getByRole('textbox', { name: 'Message' })
      .fill('Write a TypeScript function that parses a CSV line.');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.locator('article[aria-busy="true"] .markdown').filter({ hasText: /\S/ }).waitFor();
    await page.getByRole('button', { name: 'Stop' }).click();
    await answers()
      .last()
      .getByText(/^Stopped\./)
      .waitFor();
    await page.getByRole('button', { name: 'Send' }).waitFor();
  });

  test('own usage shows the calls, by day and by model', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'My usage' }).click();
    await page.getByRole('heading', { level: 1, name: 'My usage' }).waitFor();
    const models = page.getByRole('figure', { name: 'Tokens by model' });
    await reloadUntil(page, async () => (await models.getByText(SIM_MODEL).count()) > 0);
    await page.getByRole('figure', { name: 'Tokens per day' }).waitFor();
    await screenshot(page, 'my-usage');
  });

  test('a receipt pasted from a non-streaming API answer verifies', async () => {
    // A plain OpenAI-style call from the signed-in page, as a script or tool would make it.
    const body = await page.evaluate(async (model) => {
      const me = (await (await fetch('/api/v1/me')).json()) as { csrf_token: string };
      const res = await fetch('/v1/chat/completions', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-csrf-token': me.csrf_token },
        body: JSON.stringify({
          model,
          messages: [{ role: 'user', content: 'Explain a Merkle tree in one line.' }],
        }),
      });
      return res.text();
    }, SIM_MODEL);
    assert.match(body, /"tecp_receipt"/);
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Verify a receipt' })
      .click();
    await page.getByRole('textbox', { name: 'Receipt JSON' }).fill(body);
    await page.getByRole('button', { name: 'Read receipt' }).click();
    const panel = page.getByRole('region', { name: 'Receipt' });
    await panel.getByRole('button', { name: 'Verify' }).click();
    await panel.getByText('Receipt verified').waitFor();
    await panel.getByRole('button', { name: 'Verify again' }).scrollIntoViewIfNeeded();
    await screenshot(page, 'verify-receipt');

    // One changed byte in a signed member and the browser's own check fails.
    const at = body.indexOf('"tecp_receipt"');
    const tampered =
      body.slice(0, at) +
      body.slice(at).replace(/"prompt_tokens":(\d+)/, (_m, n: string) => `"prompt_tokens":${Number(n) + 1}`);
    assert.notEqual(tampered, body);
    await page.getByRole('textbox', { name: 'Receipt JSON' }).fill(tampered);
    await page.getByRole('button', { name: 'Read receipt' }).click();
    await page.getByRole('region', { name: 'Receipt' }).getByRole('button', { name: 'Verify' }).click();
    await page.getByText('Verification failed').waitFor();
  });

  test('no page error, console error or CSP violation happened', () => {
    assert.deepEqual(
      contexts.flatMap((c) => c.problems),
      [],
    );
  });
});
