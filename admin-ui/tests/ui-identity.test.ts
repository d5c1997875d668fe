/**
 * Browser tests of sign-in, API keys, sessions and user administration in real Chromium against the
 * real appliance, signing in through the development OIDC provider's login page.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startUiAppliance, type UiAppliance } from './support/appliance.js';
import { CHROMIUM_MISSING, launchChromium, newContext, screenshot, signIn } from './support/browser.js';
import { type BuiltUi, buildUi } from './support/build-ui.js';

describe('sign-in, keys, sessions and administration in Chromium', { skip: CHROMIUM_MISSING }, () => {
  let ui: BuiltUi;
  let appliance: UiAppliance;
  let browser: Browser;
  const contexts: Array<{ context: BrowserContext; problems: string[] }> = [];

  before(async () => {
    ui = await buildUi();
    appliance = await startUiAppliance({ distDir: ui.distDir });
    browser = await launchChromium();
  });

  after(async () => {
    for (const { context } of contexts) await context.close();
    await browser?.close();
    await appliance?.stop();
    await ui?.remove();
  });

  async function newPage(): Promise<Page> {
    const opened = await newContext(browser);
    contexts.push(opened);
    return opened.context.newPage();
  }

  test('a signed-out visit goes to the sign-in page, which lists the SSO connection', async () => {
    const page = await newPage();
    await page.goto(`${appliance.url}/workspace/keys`);
    await page.waitForURL(`${appliance.url}/login?return_to=%2Fworkspace%2Fkeys`);
    await page.getByRole('link', { name: 'Continue with Development IdP' }).waitFor();
    await page.getByRole('textbox', { name: 'Work e-mail' }).waitFor();
    await screenshot(page, 'login');

    // An e-mail of a domain no connection serves is explained on the page itself.
    await page.getByRole('textbox', { name: 'Work e-mail' }).fill('someone@elsewhere.example');
    await page.getByRole('button', { name: 'Continue' }).click();
    const error = page.locator('.field-error');
    await error.waitFor();
    assert.notEqual((await error.textContent())?.trim(), '');
  });

  test('a developer signs in at the IdP and lands where they started, seeing only what developers may', async () => {
    const page = await newPage();
    await signIn(page, appliance.url, 'Dana Developer', '/workspace/keys');
    assert.equal(new URL(page.url()).pathname, '/workspace/keys');
    await page.getByRole('heading', { level: 1, name: 'API keys' }).waitFor();
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: 'Sessions' }).waitFor();
    assert.equal(await nav.getByRole('link', { name: 'Users' }).count(), 0);
    assert.equal(await nav.getByRole('link', { name: 'Teams' }).count(), 0);

    // Pages outside the role are refused in the UI as well as by the API.
    await page.goto(`${appliance.url}/admin/users`);
    await page.getByRole('heading', { level: 1, name: 'No access' }).waitFor();
  });

  test('an API key is created, shown once, works against the API, and is revoked', async () => {
    const page = await newPage();
    await signIn(page, appliance.url, 'Dana Developer', '/workspace/keys');
    await page.getByRole('button', { name: 'Create key' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create API key' });
    await dialog.getByRole('textbox', { name: 'Name' }).fill('laptop IDE');
    await dialog.getByRole('checkbox', { name: /Receipts \(read\)/ }).check();
    await dialog.getByRole('button', { name: 'Create key' }).click();

    const shown = page.getByRole('dialog', { name: 'Copy your new API key' });
    const secret = (await shown.getByTestId('new-key-secret').textContent()) ?? '';
    assert.match(secret, /^aila_[A-Za-z0-9_-]{20,}$/);
    await shown.getByRole('button', { name: 'Copy key' }).click();
    await shown.getByRole('button', { name: 'Copied', exact: true }).waitFor();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), secret);

    const me = await fetch(`${appliance.url}/api/v1/me`, { headers: { authorization: `Bearer ${secret}` } });
    assert.equal(me.status, 200);

    await shown.getByRole('button', { name: 'I have copied the key' }).click();
    const row = page.getByRole('row').filter({ hasText: 'laptop IDE' });
    await row.waitFor();
    assert.equal(await page.getByTestId('new-key-secret').count(), 0);
    assert.ok(!(await page.content()).includes(secret), 'the secret is gone from the page');
    assert.match((await row.textContent()) ?? '', new RegExp(secret.slice(0, 11)));
    await screenshot(page, 'api-keys');

    await row.getByRole('button', { name: 'Revoke laptop IDE' }).click();
    await page
      .getByRole('dialog', { name: 'Revoke API key?' })
      .getByRole('button', { name: 'Revoke key' })
      .click();
    await row.waitFor({ state: 'detached' });
    const refused = await fetch(`${appliance.url}/api/v1/me`, {
      headers: { authorization: `Bearer ${secret}` },
    });
    assert.equal(refused.status, 401);

    await page.getByRole('button', { name: 'Revoked' }).click();
    await page.getByRole('row').filter({ hasText: 'laptop IDE' }).getByText('revoked').waitFor();
  });

  test('an admin changes a user’s role; the user’s navigation follows', async () => {
    const dev = await newPage();
    await signIn(dev, appliance.url, 'Dana Developer', '/workspace/sessions');
    await dev.getByRole('heading', { level: 1, name: 'Sessions' }).waitFor();
    await dev.getByText('This browser').waitFor();
    await screenshot(dev, 'sessions');

    const admin = await newPage();
    await signIn(admin, appliance.url, 'Alice Admin', '/admin/users');
    await admin.getByRole('heading', { level: 1, name: 'Users' }).waitFor();
    await admin.getByRole('searchbox', { name: 'Search' }).fill('dev@ai-la.dev');
    await admin.getByRole('button', { name: 'Search' }).click();
    await admin.getByRole('button', { name: 'Manage Dana Developer' }).click();
    const drawer = admin.getByRole('dialog', { name: 'Dana Developer' });
    await drawer.getByText('from idp').waitFor();
    await drawer.getByRole('button', { name: 'Change roles' }).click();
    const roles = admin.getByRole('dialog', { name: 'Change roles' });
    await roles.getByRole('checkbox', { name: /^Auditor/ }).check();
    await roles.getByRole('button', { name: 'Save roles' }).click();
    await drawer.getByText('Roles saved.').waitFor();
    await drawer
      .getByRole('listitem')
      .filter({ hasText: 'Auditor' })
      .getByText('pinned by an admin')
      .waitFor();
    assert.match(admin.url(), /\/admin\/users\/[0-9a-f-]{36}$/);
    await screenshot(admin, 'admin-user');

    // Dana now also holds the auditor role: the API says so on the next request.
    await dev.reload();
    await dev.getByText('Developer, Auditor').or(dev.getByText('Auditor, Developer')).waitFor();
  });

  test('an admin creates a team and adds a member', async () => {
    const admin = await newPage();
    await signIn(admin, appliance.url, 'Alice Admin', '/admin/teams');
    await admin.getByRole('button', { name: 'Create team' }).click();
    const dialog = admin.getByRole('dialog', { name: 'Create team' });
    await dialog.getByRole('textbox', { name: 'Name' }).fill('Payments Platform');
    assert.equal(await dialog.getByRole('textbox', { name: 'Slug' }).inputValue(), 'payments-platform');
    await dialog.getByRole('textbox', { name: 'Description' }).fill('Card payments and settlement services');
    await dialog.getByRole('button', { name: 'Create team' }).click();
    const drawer = admin.getByRole('dialog', { name: 'Payments Platform' });
    await drawer.getByRole('searchbox', { name: 'Add a person' }).fill('dev@ai-la.dev');
    await drawer.getByRole('button', { name: 'Find' }).click();
    await drawer.getByRole('list', { name: 'Matching users' }).getByRole('button', { name: 'Add' }).click();
    await drawer.getByText('Dana Developer added.').waitFor();
    await drawer.getByRole('combobox', { name: 'Team role of Dana Developer' }).waitFor();
    await admin
      .getByRole('dialog', { name: 'Payments Platform' })
      .getByRole('button', { name: 'Close' })
      .click();
    await admin.getByRole('row').filter({ hasText: 'Payments Platform' }).waitFor();
    await screenshot(admin, 'admin-teams');
  });

  test('a revoked session sends the user to sign-in with a session-expired notice', async () => {
    const dev = await newPage();
    await signIn(dev, appliance.url, 'Dana Developer', '/workspace/sessions');
    const admin = await newPage();
    await signIn(admin, appliance.url, 'Alice Admin', '/admin/users');
    await admin.getByRole('button', { name: 'Manage Dana Developer' }).click();
    await admin.getByRole('button', { name: 'End all sessions' }).click();
    await admin
      .getByRole('dialog', { name: 'End all sessions?' })
      .getByRole('button', { name: 'End sessions' })
      .click();
    await admin.getByText(/session\(s\) ended/).waitFor();

    await dev.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'API keys' }).click();
    await dev.waitForURL(/\/login\?reason=expired&return_to=%2Fworkspace%2Fkeys$/);
    await dev.getByText('Your session has expired').waitFor();
  });

  test('sign-out ends the session', async () => {
    const page = await newPage();
    await signIn(page, appliance.url, 'Dana Developer', '/workspace/keys');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL((url) => url.pathname === '/login' || url.origin !== appliance.url);
  });

  test('no page error, console error or CSP violation happened', () => {
    assert.deepEqual(
      contexts.flatMap((c) => c.problems),
      [],
    );
  });
});
