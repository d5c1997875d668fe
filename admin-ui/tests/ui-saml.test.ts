/**
 * SAML sign-in in real Chromium: the appliance sends the browser to the samlify test IdP with a
 * signed HTTP-Redirect AuthnRequest, the user is picked on the IdP's page, and the signed Response
 * comes back to the ACS over the HTTP-POST binding; the UI then shows the user signed in.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext } from 'playwright-core';
import { generateKeyPair, type SamlUser, TestSamlIdp } from '../../server/test/identity/saml-idp.js';
import { startUiAppliance, type UiAppliance } from './support/appliance.js';
import { CHROMIUM_MISSING, launchChromium, newContext } from './support/browser.js';
import { type BuiltUi, buildUi } from './support/build-ui.js';

const USERS: SamlUser[] = [
  { email: 'ada@example.com', name: 'Ada Admin', groups: ['ai-la-admins'] },
  { email: 'dev@example.com', name: 'Devi Developer', groups: ['ai-la-developers'] },
];

describe('SAML sign-in in Chromium against the samlify test IdP', { skip: CHROMIUM_MISSING }, () => {
  let ui: BuiltUi;
  let idp: TestSamlIdp;
  let appliance: UiAppliance;
  let browser: Browser;
  let ssoUrl: string;
  const contexts: Array<{ context: BrowserContext; problems: string[] }> = [];

  before(async () => {
    ui = await buildUi();
    idp = new TestSamlIdp();
    ssoUrl = await idp.serveSso(USERS);
    const spKeys = generateKeyPair('ai-la-sp');
    const connection = {
      name: 'corp',
      displayName: 'Corp SAML',
      idp: { entityId: idp.entityId, ssoUrl, certs: [idp.keys.cert] },
      sp: { privateKey: spKeys.key, certificate: spKeys.cert },
      groupRoles: { 'ai-la-admins': 'admin', 'ai-la-developers': 'developer' },
      domains: ['example.com'],
    };
    appliance = await startUiAppliance({
      distDir: ui.distDir,
      env: { AILA_AUTH_SAML_CONNECTIONS: JSON.stringify([connection]) },
    });
    const metadata = await (await fetch(`${appliance.url}/auth/saml/corp/metadata`)).text();
    idp.ssoServiceProvider = idp.serviceProvider(metadata);
    browser = await launchChromium();
  });

  after(async () => {
    for (const { context } of contexts) await context.close();
    await browser?.close();
    await appliance?.stop();
    await idp?.close();
    await ui?.remove();
  });

  test('a developer signs in through the IdP’s page and lands on return_to, signed in', async () => {
    const opened = await newContext(browser);
    contexts.push(opened);
    const page = await opened.context.newPage();
    await page.goto(`${appliance.url}/login?return_to=${encodeURIComponent('/workspace/keys')}`);
    await page.getByRole('link', { name: 'Continue with Corp SAML' }).click();

    // At the IdP: the AuthnRequest was verified (signature and schema), so its page lists the users.
    await page.waitForURL((url) => `${url.origin}${url.pathname}` === ssoUrl);
    await page.getByRole('button', { name: 'Sign in as Devi Developer' }).click();
    await page.getByText('Signed in as Devi Developer.').waitFor();
    await page.getByRole('button', { name: 'Continue' }).click();

    await page.waitForURL((url) => url.origin === appliance.url && !url.pathname.startsWith('/auth/'));
    assert.equal(new URL(page.url()).pathname, '/workspace/keys');
    await page.getByRole('heading', { level: 1, name: 'API keys' }).waitFor();
    await page.getByTestId('user-name').filter({ hasText: 'Devi Developer' }).waitFor({ state: 'attached' });

    const me = await page.evaluate(async () => {
      const res = await fetch('/api/v1/me');
      return (await res.json()) as {
        user: { email: string };
        roles: Array<{ role: string }>;
        auth: { method: string; connection: string };
      };
    });
    assert.equal(me.user.email, 'dev@example.com');
    assert.deepEqual(
      me.roles.map((r) => r.role),
      ['developer'],
    );
    assert.equal(me.auth.connection, 'corp');
  });

  test('no page error, console error or CSP violation happened', () => {
    assert.deepEqual(
      contexts.flatMap((c) => c.problems),
      [],
    );
  });
});
