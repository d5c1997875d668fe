/**
 * The admin console's SSO connections, quota plans, models and settings pages in Chromium against the
 * real appliance, the development OIDC provider and the model simulator.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { SIM_MODEL, startUiAppliance, type UiAppliance } from './support/appliance.js';
import {
  apiFrom,
  CHROMIUM_MISSING,
  launchChromium,
  newContext,
  screenshot,
  signIn,
} from './support/browser.js';
import { type BuiltUi, buildUi } from './support/build-ui.js';

describe('admin console: SSO, quotas, models, settings in Chromium', { skip: CHROMIUM_MISSING }, () => {
  let ui: BuiltUi;
  let appliance: UiAppliance;
  let browser: Browser;
  let admin: Page;
  let developer: Page;
  const contexts: Array<{ context: BrowserContext; problems: string[] }> = [];

  before(async () => {
    ui = await buildUi();
    appliance = await startUiAppliance({ distDir: ui.distDir, gateway: true });
    browser = await launchChromium();
    for (const [name, start] of [
      ['Dana Developer', '/workspace/keys'],
      ['Alice Admin', '/admin/users'],
    ] as const) {
      const opened = await newContext(browser);
      contexts.push(opened);
      const page = await opened.context.newPage();
      await signIn(page, appliance.url, name, start);
      if (name === 'Alice Admin') admin = page;
      else developer = page;
    }
  });

  after(async () => {
    for (const { context } of contexts) await context.close();
    await browser?.close();
    await appliance?.stop();
    await ui?.remove();
  });

  test('SSO connections: the dev connection, its live status, and a test login showing the claims', async () => {
    await admin
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'SSO connections' })
      .click();
    await admin.getByRole('heading', { level: 1, name: 'SSO connections' }).waitFor();
    const row = admin.getByRole('row').filter({ hasText: 'Development IdP' });
    await row.getByText('OpenID Connect').waitFor();
    await admin.getByRole('heading', { name: 'Changing a connection' }).waitFor();
    await screenshot(admin, 'admin-sso');

    await row.getByRole('link', { name: 'Open Development IdP' }).click();
    await admin.getByRole('heading', { level: 1, name: 'Development IdP' }).waitFor();
    const status = admin.getByRole('region', { name: 'Identity provider status' });
    await status.getByText('Reachable', { exact: true }).waitFor();
    await status.getByText(appliance.idp.issuer, { exact: true }).waitFor();
    const mappings = admin.getByRole('table', { name: 'Group mappings' });
    await mappings
      .getByRole('row')
      .filter({ hasText: 'ai-la-developers' })
      .getByText('Developer', { exact: true })
      .waitFor();
    await screenshot(admin, 'admin-sso-connection');

    // The real sign-in in a new tab: the IdP asks who signs in, even though the admin is signed in there.
    const [tab] = await Promise.all([
      admin.context().waitForEvent('page'),
      admin.getByRole('button', { name: 'Test login' }).click(),
    ]);
    await tab.getByRole('button', { name: /^Sign in as Dana Developer / }).click();
    await tab.waitForURL(/\/admin\/sso\/test-logins\/[0-9a-f-]{36}$/);
    await tab.getByRole('heading', { level: 1, name: 'Test login result' }).waitFor();
    await tab.getByText('The IdP signed the person in', { exact: true }).waitFor();
    const claims = tab.getByRole('table', { name: 'Claims', exact: true });
    await claims.getByRole('row').filter({ hasText: 'email' }).getByText('dev@ai-la.dev').waitFor();
    await claims.getByRole('row').filter({ hasText: 'groups' }).getByText('["ai-la-developers"]').waitFor();
    await tab.getByRole('list', { name: 'Roles it would map to' }).getByText('Developer').waitFor();
    await screenshot(tab, 'admin-sso-test-login');

    // The starting tab followed the test; the admin is still signed in as themself in both tabs.
    await admin.getByText('The identity provider answered').waitFor();
    await admin.getByText(/A real sign-in would sign in dev@ai-la\.dev with Developer/).waitFor();
    await tab.getByTestId('user-name').filter({ hasText: 'Alice Admin' }).waitFor();
    await tab.close();
  });

  test('quota plans: create a plan, assign it to a user, see the consumption', async () => {
    // Dana makes a call first, so the plan shows tokens used today.
    await apiFrom(developer, 'POST', '/v1/chat/completions', {
      model: SIM_MODEL,
      messages: [{ role: 'user', content: 'Write a function that adds two numbers in Python' }],
      max_tokens: 32,
    });

    await admin.goto(`${appliance.url}/admin/quotas`);
    await admin.getByRole('heading', { level: 1, name: 'Quota plans' }).waitFor();
    await admin.getByRole('button', { name: 'Create plan' }).click();
    const dialog = admin.getByRole('dialog', { name: 'Create quota plan' });
    await dialog.getByRole('textbox', { name: 'Name' }).fill('Developers');
    await dialog.getByRole('textbox', { name: 'Description' }).fill('Everyday limits for engineering teams');
    await dialog.getByRole('textbox', { name: 'Requests per minute' }).fill('120');
    await dialog.getByRole('textbox', { name: 'Tokens per day (UTC)' }).fill('200000');
    await dialog.getByRole('textbox', { name: 'Tokens per month (UTC)' }).fill('3000000');
    await dialog.getByRole('textbox', { name: 'Concurrent streams' }).fill('4');
    await dialog.getByRole('radio', { name: 'Only the models chosen here' }).check();
    await dialog.getByRole('checkbox', { name: SIM_MODEL }).check();
    await dialog.getByRole('button', { name: 'Create plan' }).click();

    const drawer = admin.getByRole('dialog', { name: 'Developers' });
    await drawer.getByText('Nobody has this plan yet.').waitFor();
    await drawer.getByRole('searchbox', { name: 'Find a user' }).fill('dev@ai-la.dev');
    await drawer.getByRole('button', { name: 'Find' }).click();
    await drawer.getByRole('button', { name: 'Assign to Dana Developer' }).click();
    await drawer.getByText('Dana Developer now has the plan Developers.').waitFor();
    const subject = drawer.getByRole('list', { name: 'Subjects with this plan' }).getByRole('listitem');
    await subject.getByText('Tokens today').waitFor();
    assert.match((await subject.textContent()) ?? '', /Tokens today[\d,]+ of 200,000/);
    await admin.getByRole('row').filter({ hasText: 'Developers' }).getByText(SIM_MODEL).waitFor();
    await screenshot(admin, 'admin-quotas');

    const assignments = await apiFrom<{ data: Array<{ subject_label: string }> }>(
      admin,
      'GET',
      '/api/v1/admin/quotas/assignments?subject_type=user',
    );
    assert.deepEqual(
      assignments.data.map((a) => a.subject_label),
      ['Dana Developer'],
    );
    await drawer.getByRole('button', { name: 'Close' }).click();
  });

  test('models: the simulator’s model with its replica, usage and the plan that lists it', async () => {
    await admin.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Models' }).click();
    await admin.getByRole('heading', { level: 1, name: 'Models' }).waitFor();
    const row = admin.getByRole('row').filter({ hasText: SIM_MODEL });
    await row.getByText('Available').waitFor();
    await row.getByText('1 of 1 healthy').waitFor();
    await screenshot(admin, 'admin-models');
    await row.getByRole('button', { name: `Details of ${SIM_MODEL}` }).click();
    const drawer = admin.getByRole('dialog', { name: SIM_MODEL });
    await drawer.getByText('sim', { exact: true }).waitFor();
    await drawer.getByText('Developers').waitFor();
    await drawer.getByText('allows it under every name').waitFor();
    await drawer.getByRole('button', { name: 'Close' }).click();
  });

  test('settings: turn content retention on, with the legal holds in force listed', async () => {
    const me = await apiFrom<{ user: { id: string } }>(developer, 'GET', '/api/v1/me');
    await apiFrom(admin, 'POST', '/api/v1/compliance/legal-holds', {
      scope: 'user',
      id: me.user.id,
      reason: 'Litigation hold: vendor contract dispute',
      reference: 'M-2026-17',
    });
    await admin.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
    await admin.getByRole('heading', { level: 1, name: 'Settings' }).waitFor();
    const holds = admin.getByRole('table', { name: 'Legal holds' });
    await holds.getByRole('row').filter({ hasText: 'M-2026-17' }).getByText('Dana Developer').waitFor();

    const form = admin.getByRole('form', { name: 'Retention settings' });
    await form.getByRole('radio', { name: /^Full: prompts and answers are kept/ }).check();
    await form.getByRole('textbox', { name: 'Retained content' }).fill('180');
    await form.getByRole('button', { name: 'Save settings' }).click();
    await admin
      .getByRole('dialog', { name: 'Keep prompts and answers?' })
      .getByRole('button', { name: 'Keep content' })
      .click();
    await form.getByText('Settings saved.', { exact: false }).waitFor();
    await admin.getByText('Content is being retained').waitFor();
    const saved = await apiFrom<{ retention: { content: string; content_days: number } }>(
      admin,
      'GET',
      '/api/v1/admin/settings',
    );
    assert.deepEqual([saved.retention.content, saved.retention.content_days], ['full', 180]);
    await admin.mouse.move(0, 0);
    await screenshot(admin, 'admin-settings');
  });

  test('a developer sees none of these pages', async () => {
    const nav = developer.getByRole('navigation', { name: 'Main' });
    for (const name of ['SSO connections', 'Quota plans', 'Models', 'Settings']) {
      assert.equal(await nav.getByRole('link', { name }).count(), 0, name);
    }
    await developer.goto(`${appliance.url}/admin/sso`);
    await developer.getByRole('heading', { level: 1, name: 'No access' }).waitFor();
  });

  test('no page error, console error or CSP violation happened', () => {
    assert.deepEqual(
      contexts.flatMap((c) => c.problems),
      [],
    );
  });
});
