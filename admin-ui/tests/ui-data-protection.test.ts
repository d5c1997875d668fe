/**
 * Legal holds, erasing content (crypto-shredding) and the workspace team picker in Chromium against the
 * real appliance, the development OIDC provider and the model simulator; and on every page each role
 * can open, every control has an accessible name and is reachable by Tab, and text has AA contrast.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { SIM_MODEL, startUiAppliance, type UiAppliance } from './support/appliance.js';
import {
  apiFrom,
  CHROMIUM_MISSING,
  inaccessibleControls,
  launchChromium,
  lowContrastText,
  newContext,
  screenshot,
  signIn,
} from './support/browser.js';
import { type BuiltUi, buildUi } from './support/build-ui.js';

interface Team {
  id: string;
  name: string;
}

describe('legal holds, erasure and the team picker in Chromium', { skip: CHROMIUM_MISSING }, () => {
  let ui: BuiltUi;
  let appliance: UiAppliance;
  let browser: Browser;
  const pages: Record<'admin' | 'auditor' | 'developer', Page> = {} as never;
  const contexts: Array<{ context: BrowserContext; problems: string[] }> = [];
  let dana: { id: string };
  let payments: Team;
  let platform: Team;

  before(async () => {
    ui = await buildUi();
    appliance = await startUiAppliance({ distDir: ui.distDir, gateway: true });
    browser = await launchChromium();
    for (const [role, name, start] of [
      ['developer', 'Dana Developer', '/workspace/keys'],
      ['auditor', 'Arthur Auditor', '/audit/legal-holds'],
      ['admin', 'Alice Admin', '/audit/legal-holds'],
    ] as const) {
      const opened = await newContext(browser);
      contexts.push(opened);
      const page = await opened.context.newPage();
      await signIn(page, appliance.url, name, start);
      pages[role] = page;
    }
    dana = (await apiFrom<{ user: { id: string } }>(pages.developer, 'GET', '/api/v1/me')).user;
    const team = async (slug: string, name: string) => {
      const { team: created } = await apiFrom<{ team: Team }>(pages.admin, 'POST', '/api/v1/admin/teams', {
        slug,
        name,
      });
      await apiFrom(pages.admin, 'PUT', `/api/v1/admin/teams/${created.id}/members/${dana.id}`, {
        role: 'member',
      });
      return created;
    };
    payments = await team('payments', 'Payments');
    platform = await team('platform', 'Platform');
  });

  after(async () => {
    for (const { context } of contexts) await context.close();
    await browser?.close();
    await appliance?.stop();
    await ui?.remove();
  });

  test('an admin places a hold on a user found by name; an auditor places one on a team chosen by name and releases it', async () => {
    const admin = pages.admin;
    await admin.getByRole('heading', { level: 1, name: 'Legal holds' }).waitFor();
    await admin.getByText('No legal hold is in force').waitFor();
    await admin.getByRole('button', { name: 'Place a hold' }).click();
    const dialog = admin.getByRole('dialog', { name: 'Place a legal hold' });
    await dialog.getByRole('searchbox', { name: 'Find a user' }).fill('dev@ai-la.dev');
    await dialog.getByRole('button', { name: 'Find', exact: true }).click();
    await dialog.getByRole('button', { name: 'Choose Dana Developer (dev@ai-la.dev)' }).click();
    await dialog.getByTestId('hold-subject').filter({ hasText: 'Dana Developer' }).waitFor();
    await dialog.getByRole('textbox', { name: 'Reason' }).fill('Litigation hold: vendor contract dispute');
    await dialog.getByRole('textbox', { name: 'Reference' }).fill('M-2026-17');
    await dialog.getByRole('button', { name: 'Place hold' }).click();
    await admin.getByText('Dana Developer (dev@ai-la.dev) is under legal hold.').waitFor();
    await admin.getByRole('row').filter({ hasText: 'M-2026-17' }).getByText('by you').waitFor();
    const holds = admin.getByRole('table', { name: 'Legal holds' });
    const held = holds.getByRole('row').filter({ hasText: 'M-2026-17' });
    await held.getByRole('link', { name: 'Dana Developer' }).waitFor();
    await held.getByText('in force').waitFor();

    // The auditor, without users:manage, picks from the subjects directory of those who place holds.
    const auditor = pages.auditor;
    await auditor.reload();
    const userHold = auditor
      .getByRole('table', { name: 'Legal holds' })
      .getByRole('row')
      .filter({ hasText: 'M-2026-17' });
    await userHold.getByText('Dana Developer', { exact: true }).waitFor();
    await userHold.getByText('by Alice Admin').waitFor();
    await auditor.getByRole('button', { name: 'Place a hold' }).click();
    const form = auditor.getByRole('dialog', { name: 'Place a legal hold' });
    await form.getByRole('radio', { name: 'A team' }).check();
    await form.getByRole('button', { name: 'Place hold' }).click();
    await form.getByText('Choose the team to hold.').waitFor();
    await form.getByRole('searchbox', { name: 'Filter teams' }).fill('pay');
    await form.getByRole('button', { name: 'Choose Platform' }).waitFor({ state: 'detached' });
    await form.getByRole('button', { name: 'Choose Payments' }).click();
    await form.getByTestId('hold-subject').filter({ hasText: 'Payments' }).waitFor();
    await form.getByRole('textbox', { name: 'Reason' }).fill('Regulator inquiry into payment flows');
    await form.getByRole('textbox', { name: 'Reference' }).fill('REG-88');
    await form.getByRole('button', { name: 'Place hold' }).click();
    await auditor.getByText('Payments is under legal hold.').waitFor();
    const teamHold = auditor.getByRole('row').filter({ hasText: 'REG-88' });
    await teamHold.getByText('in force').waitFor();
    await teamHold.getByText('Payments', { exact: true }).waitFor();
    await screenshot(auditor, 'audit-legal-holds');

    await teamHold.getByRole('button', { name: 'Release hold REG-88' }).click();
    await auditor
      .getByRole('dialog', { name: 'Release this legal hold?' })
      .getByRole('button', { name: 'Release hold' })
      .click();
    await auditor.getByText('The hold is released').waitFor();
    await auditor.getByRole('row').filter({ hasText: 'REG-88' }).waitFor({ state: 'detached' });
    await auditor.getByRole('checkbox', { name: 'Include released holds' }).check();
    await auditor.getByRole('row').filter({ hasText: 'REG-88' }).getByText('released').waitFor();

    const { subjects } = await apiFrom<{ subjects: Array<{ name: string; email: string }> }>(
      auditor,
      'GET',
      '/api/v1/compliance/subjects?scope=user&q=dana',
    );
    assert.deepEqual(
      subjects.map((u) => [u.name, u.email]),
      [['Dana Developer', 'dev@ai-la.dev']],
    );
    const byId = await apiFrom<{ subjects: Array<{ id: string }> }>(
      auditor,
      'GET',
      `/api/v1/compliance/subjects?scope=user&q=${dana.id}`,
    );
    assert.deepEqual(
      byId.subjects.map((u) => u.id),
      [dana.id],
    );
    await assert.rejects(
      apiFrom(pages.developer, 'GET', '/api/v1/compliance/subjects?scope=team'),
      /HTTP 403/,
    );

    const all = await apiFrom<{
      holds: Array<{ reference: string; active: boolean; scope: string; scope_id: string }>;
    }>(auditor, 'GET', '/api/v1/compliance/legal-holds?active=false');
    assert.deepEqual(all.holds.map((h) => [h.reference, h.scope, h.scope_id, h.active]).sort(), [
      ['M-2026-17', 'user', dana.id, true],
      ['REG-88', 'team', payments.id, false],
    ]);
  });

  test('erasing a held user’s content is refused as a legal hold; once released, it is erased', async () => {
    const admin = pages.admin;
    await admin.goto(`${appliance.url}/admin/users/${dana.id}`);
    const drawer = admin.getByRole('dialog', { name: 'Dana Developer' });
    await drawer.getByRole('button', { name: 'Erase content' }).click();
    const confirm = admin.getByRole('dialog', { name: 'Erase the content of Dana Developer?' });
    await confirm.getByRole('button', { name: 'Erase for good' }).click();
    await confirm.getByText('Give the reason').waitFor();
    await confirm.getByRole('textbox', { name: 'Reason' }).fill('Erasure request GDPR-2026-311');
    await confirm.getByRole('button', { name: 'Erase for good' }).click();
    const refusal = drawer.getByRole('alert').filter({ hasText: 'Under legal hold: nothing was erased' });
    await refusal.getByText('A legal hold covers this data').waitFor();
    await refusal.getByRole('link', { name: 'See the legal holds' }).waitFor();
    await screenshot(admin, 'admin-erase-content-held');

    await refusal.getByRole('link', { name: 'See the legal holds' }).click();
    await admin.getByRole('heading', { level: 1, name: 'Legal holds' }).waitFor();
    await admin.getByRole('button', { name: 'Release hold M-2026-17' }).click();
    await admin
      .getByRole('dialog', { name: 'Release this legal hold?' })
      .getByRole('button', { name: 'Release hold' })
      .click();
    await admin.getByText('No legal hold is in force').waitFor();

    await admin.goto(`${appliance.url}/admin/users/${dana.id}`);
    await drawer.getByRole('button', { name: 'Erase content' }).click();
    await confirm.getByRole('textbox', { name: 'Reason' }).fill('Erasure request GDPR-2026-311');
    await confirm.getByRole('button', { name: 'Erase for good' }).click();
    await drawer
      .getByText(/^The content of Dana Developer is erased|^Dana Developer had no retained content/)
      .waitFor();

    await admin.goto(`${appliance.url}/admin/teams/${platform.id}`);
    const team = admin.getByRole('dialog', { name: 'Platform' });
    await team.getByRole('button', { name: 'Erase content' }).click();
    const teamConfirm = admin.getByRole('dialog', { name: 'Erase the content of Platform?' });
    await teamConfirm.getByRole('textbox', { name: 'Reason' }).fill('Team dissolved');
    await teamConfirm.getByRole('button', { name: 'Erase for good' }).click();
    await team.getByText(/^The content of Platform is erased|^Platform had no retained content/).waitFor();

    const { items } = await apiFrom<{ items: Array<{ event: { target?: { id: string } } }> }>(
      admin,
      'GET',
      '/api/v1/audit/events?action=content.key_destroyed',
    );
    assert.deepEqual(items.map((e) => e.event.target?.id).sort(), [dana.id, platform.id].sort());
  });

  test('a developer in two teams chooses the team the chat is charged to (x-aila-team)', async () => {
    const developer = pages.developer;
    await developer.goto(`${appliance.url}/workspace/chat`);
    const picker = developer.getByRole('combobox', { name: 'Team' });
    await picker.waitFor();
    assert.deepEqual(
      await picker.locator('option').evaluateAll((options) => options.map((o) => o.textContent)),
      ['Payments', 'Platform'],
    );
    await picker.selectOption({ label: 'Platform' });
    await developer
      .getByRole('combobox', { name: 'Model' })
      .getByRole('option', { name: SIM_MODEL })
      .waitFor({ state: 'attached' });
    await developer
      .getByRole('textbox', { name: 'Message' })
      .fill('Write a Python function that adds two numbers.');
    const [request] = await Promise.all([
      developer.waitForRequest((r) => r.url().endsWith('/v1/chat/completions')),
      developer.getByRole('button', { name: 'Send' }).click(),
    ]);
    assert.equal(request.headers()['x-aila-team'], platform.id);
    await developer
      .getByRole('article', { name: 'Answer' })
      .getByRole('button', { name: 'Verify' })
      .waitFor();
    await screenshot(developer, 'workspace-team-picker');

    // The choice is remembered in this browser; the usage is charged to the chosen team.
    await developer.reload();
    assert.equal(await developer.getByRole('combobox', { name: 'Team' }).inputValue(), platform.id);

    // On a phone the top bar keeps the picker, still named, without widening the page.
    await developer.setViewportSize({ width: 390, height: 800 });
    await developer.getByRole('combobox', { name: 'Team' }).waitFor();
    const overflowing = await developer.evaluate(() =>
      [...document.querySelectorAll('.topbar *')]
        .filter((e) => e.getBoundingClientRect().right > window.innerWidth)
        .map((e) => `${e.tagName.toLowerCase()}.${e.className}`),
    );
    assert.deepEqual(overflowing, []);
    assert.ok(await developer.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth));
    await developer.setViewportSize({ width: 1440, height: 900 });
    let charged: Array<{ team_id: string | null; requests: number }> = [];
    for (let attempt = 0; attempt < 20 && !charged.some((r) => r.team_id === platform.id); attempt++) {
      if (attempt > 0) await developer.waitForTimeout(500);
      ({ data: charged } = await apiFrom<{ data: typeof charged }>(
        pages.admin,
        'GET',
        '/api/v1/admin/usage?group_by=team',
      ));
    }
    assert.deepEqual(
      charged.filter((r) => r.requests > 0).map((r) => r.team_id),
      [platform.id],
    );
  });

  test('every page each role can open: controls named and reachable by Tab, text with AA contrast', async () => {
    // The checks themselves find an unnamed control, one the Tab key cannot reach, and faint text.
    await pages.developer.evaluate(() => {
      document.body.insertAdjacentHTML(
        'beforeend',
        '<button id="x1"></button><a id="x2" href="/" tabindex="-1">x</a>',
      );
    });
    const found = await inaccessibleControls(pages.developer);
    assert.deepEqual(
      found.map((p) => p.split(':')[0]),
      ['button without a name', 'link not reachable by Tab'],
    );

    await pages.developer.evaluate(() => {
      const faint = document.createElement('p');
      faint.textContent = 'faint words';
      faint.style.color = 'rgb(190, 190, 190)';
      faint.style.background = 'rgb(255, 255, 255)';
      document.body.append(faint);
    });
    assert.ok(
      (await lowContrastText(pages.developer)).some((p) => p.endsWith(': faint words')),
      'the contrast check finds light grey on white',
    );

    const problems: string[] = [];
    for (const page of [pages.developer, pages.auditor, pages.admin]) {
      await page.goto(`${appliance.url}/`);
      const nav = page.getByRole('navigation', { name: 'Main' });
      await nav.waitFor();
      const paths = await nav
        .getByRole('link')
        .evaluateAll((links) => links.map((a) => a.getAttribute('href')));
      for (const path of paths) {
        await page.goto(`${appliance.url}${path}`);
        await page.getByRole('heading', { level: 1 }).waitFor();
        await page.waitForLoadState('networkidle');
        for (const problem of await inaccessibleControls(page)) problems.push(`${path}: ${problem}`);
        for (const problem of await lowContrastText(page)) problems.push(`${path}: contrast ${problem}`);
      }
    }
    assert.deepEqual(problems, []);
  });

  test('no page error, console error or CSP violation happened', () => {
    assert.deepEqual(
      contexts.flatMap((c) => c.problems),
      [],
    );
  });
});
