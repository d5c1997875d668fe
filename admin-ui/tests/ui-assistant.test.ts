/**
 * The assistant workspace in Chromium against the real appliance and the model simulator: a project
 * and a task, a streamed chat under the task, code generated from the task (progress, highlighted
 * files, copy and download), an uploaded .tar.gz analyzed into findings, and every answer's receipt
 * verified in the browser and at the appliance.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { startUiAppliance, type UiAppliance } from './support/appliance.js';
import { CHROMIUM_MISSING, launchChromium, newContext, screenshot, signIn } from './support/browser.js';
import { type BuiltUi, buildUi } from './support/build-ui.js';

describe('assistant workspace in Chromium', { skip: CHROMIUM_MISSING }, () => {
  let ui: BuiltUi;
  let appliance: UiAppliance;
  let browser: Browser;
  let page: Page;
  let scratch: string;
  let projectUrl = '';
  const contexts: Array<{ context: BrowserContext; problems: string[] }> = [];

  before(async () => {
    ui = await buildUi();
    appliance = await startUiAppliance({ distDir: ui.distDir, gateway: true });
    scratch = await mkdtemp(join(tmpdir(), 'aila-ui-assistant-'));
    browser = await launchChromium();
    const opened = await newContext(browser);
    contexts.push(opened);
    page = await opened.context.newPage();
    await signIn(page, appliance.url, 'Dana Developer', '/workspace/projects');
  });

  after(async () => {
    for (const { context } of contexts) await context.close();
    await browser?.close();
    await appliance?.stop();
    await ui?.remove();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  const nav = (name: string) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name });

  /** Scrolls `target` to the top of the page (its scroll margin keeps it below the top bar). */
  const scrollTo = (target: Locator) =>
    target.evaluate((element) => element.scrollIntoView({ block: 'start' }));

  /** Verifies the receipt of `scope` in the browser and at the appliance, with every check passing. */
  async function verify(scope: Locator, checks: number): Promise<void> {
    const receipt = scope.getByRole('region', { name: 'Receipt' }).last();
    await receipt.getByRole('button', { name: 'Verify' }).click();
    await receipt.getByText('Receipt verified').waitFor();
    const steps = receipt.getByRole('list', { name: 'Verification steps' });
    assert.equal(await steps.locator('.check-fail').count(), 0);
    assert.equal(await steps.locator('.check-pass').count(), checks);
    await steps.getByText('Input hash matches the request this browser sent').waitFor();
    await steps.getByText('Output hash matches the bytes this browser received').waitFor();
  }

  test('a project and a task are created and opened', async () => {
    await page.getByRole('heading', { level: 1, name: 'Projects' }).waitFor();
    await page.getByRole('button', { name: 'New project' }).click();
    const dialog = page.getByRole('dialog', { name: 'New project' });
    await dialog.getByRole('textbox', { name: 'Name' }).fill('Payments API');
    await dialog
      .getByRole('textbox', { name: 'Description' })
      .fill('Orders, refunds and payouts for the shop.');
    await dialog.getByRole('button', { name: 'Create project' }).click();
    await page.getByRole('heading', { level: 1, name: 'Payments API' }).waitFor();
    projectUrl = page.url();
    await page.getByRole('textbox', { name: 'New task' }).fill('Refund endpoint');
    await page.getByRole('button', { name: 'Add task' }).click();
    await page.getByRole('link', { name: 'Refund endpoint' }).click();
    await page.getByRole('heading', { level: 1, name: 'Refund endpoint' }).waitFor();
    await page.getByRole('combobox', { name: 'Status' }).selectOption('in_progress');
    await page.getByRole('combobox', { name: 'Status' }).and(page.locator(':enabled')).waitFor();
  });

  test('a chat under the task streams its answer, and the receipt verifies', async () => {
    await page.getByRole('button', { name: 'New conversation' }).click();
    await page.getByRole('heading', { level: 1, name: 'Conversation' }).waitFor();
    await page
      .getByRole('textbox', { name: 'Message' })
      .fill('Write a TypeScript function that validates a refund amount.');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.locator('article[aria-busy="true"] .markdown').filter({ hasText: /\S/ }).waitFor();
    const answer = page.getByRole('article', { name: 'Answer' }).last();
    await answer.and(page.locator('[aria-busy="false"]')).waitFor();
    await answer.locator('code.hljs.language-ts .hljs-keyword').first().waitFor();
    await verify(answer, 9);
    await screenshot(page, 'project-chat');
    // Retention none: after a reload the conversation shows what was said, not the text.
    await page.reload();
    await page.getByText(/keeps metadata only/).waitFor();
    await page
      .getByText(/Text not kept by this appliance/)
      .first()
      .waitFor();
  });

  test('code generated from the task: progress, highlighted files, copy, download, verified receipt', async () => {
    await page.getByRole('link', { name: 'Back to the task' }).click();
    await page.getByRole('link', { name: 'Generate code' }).click();
    await page.getByRole('heading', { level: 1, name: 'Generate code' }).waitFor();
    const description = page.getByRole('textbox', { name: 'What to build' });
    await description.and(page.locator(':not(:placeholder-shown), [value]')).first().waitFor();
    await page.waitForFunction(
      () => (document.querySelector('textarea') as HTMLTextAreaElement).value !== '',
    );
    assert.match(await description.inputValue(), /Refund endpoint/, 'prefilled from the task');
    await description.fill('Write a function that validates refund amounts');
    await page.getByRole('textbox', { name: 'Framework' }).fill('Express');
    await page.getByRole('combobox', { name: 'Language' }).selectOption('TypeScript');
    assert.notEqual(await page.getByRole('combobox', { name: 'Task' }).inputValue(), '');
    await page.getByRole('button', { name: 'Generate' }).click();
    await page.getByText(/^Writing…/).waitFor();
    const file = page.getByRole('article', { name: 'src/validates-refund-amounts.ts' });
    await file.locator('code.hljs .hljs-keyword').first().waitFor();
    await page.getByRole('article', { name: 'src/validates-refund-amounts.test.ts' }).waitFor();
    await page.getByRole('article', { name: 'src/routes/validates-refund-amounts.ts' }).waitFor();
    await file.getByRole('button', { name: 'Copy' }).click();
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    assert.match(copied, /export function validatesRefundAmounts/);
    const [saved] = await Promise.all([
      page.waitForEvent('download'),
      file.getByRole('button', { name: 'Download' }).click(),
    ]);
    assert.equal(saved.suggestedFilename(), 'validates-refund-amounts.ts');
    const [all] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download all (.tar)' }).click(),
    ]);
    const tarPath = join(scratch, 'generated.tar');
    await all.saveAs(tarPath);
    const listed = execFileSync('tar', ['-tf', tarPath]).toString().trim().split('\n');
    assert.deepEqual(listed, [
      'src/validates-refund-amounts.ts',
      'src/validates-refund-amounts.test.ts',
      'src/routes/validates-refund-amounts.ts',
    ]);
    await verify(page.locator('main'), 9);
    await scrollTo(page.getByRole('heading', { name: '3 generated files' }));
    await screenshot(page, 'generate');
  });

  test('an uploaded .tar.gz is analyzed into findings by severity and file, with a verified receipt', async () => {
    const project = join(scratch, 'shop');
    await mkdir(join(project, 'src'), { recursive: true });
    await writeFile(
      join(project, 'src', 'refunds.ts'),
      "const apiKey = 'sk-live-0123456789';\n// TODO: check the order owner\nexport const find = (id: string) => db.query('SELECT * FROM refunds WHERE id = ' + id);\n",
    );
    await writeFile(
      join(project, 'src', 'util.js'),
      'export const same = (a, b) => a == b;\nconsole.log(same(1, 1));\n',
    );
    const archive = join(scratch, 'shop.tgz');
    execFileSync('tar', ['-czf', archive, '-C', project, '.']);
    await nav('Analyze').click();
    await page.getByRole('heading', { level: 1, name: 'Analyze a project' }).waitFor();
    await page.getByLabel('Project files').setInputFiles(archive);
    await page.getByRole('combobox', { name: 'Project' }).selectOption({ label: 'Payments API' });
    await page.getByRole('button', { name: 'Analyze' }).click();
    const table = page.getByRole('table', { name: 'Findings' });
    await table.waitFor();
    const rows = table.locator('tbody tr');
    assert.equal(await rows.count(), 5);
    assert.match((await rows.first().textContent()) ?? '', /critical.*src\/refunds\.ts:1.*security/);
    await page.getByRole('button', { name: /^high 1$/ }).click();
    assert.equal(await rows.count(), 1);
    await page.getByRole('button', { name: /^All 5$/ }).click();
    await page.getByRole('combobox', { name: 'Order by' }).selectOption('file');
    assert.match((await rows.first().textContent()) ?? '', /src\/refunds\.ts:1/);
    assert.match((await rows.last().textContent()) ?? '', /src\/util\.js:2/);
    await verify(page.locator('main'), 9);
    await scrollTo(page.getByRole('heading', { name: 'Findings' }));
    await screenshot(page, 'analyze');
  });

  test('the project lists its operations with their templates and receipts', async () => {
    await page.goto(projectUrl);
    const operations = page
      .getByRole('region', { name: 'Operations' })
      .or(page.locator('section.card').filter({ hasText: 'Operations' }));
    const table = operations.getByRole('table');
    await table.waitFor();
    const text = (await table.textContent()) ?? '';
    for (const expected of ['chat', 'generate', 'analyze', 'chat@1', 'generate@1', 'analyze@1'])
      assert.ok(text.includes(expected), expected);
    await screenshot(page, 'project');
  });

  test('no page error, console error or CSP violation happened', () => {
    assert.deepEqual(
      contexts.flatMap((c) => c.problems),
      [],
    );
  });
});
