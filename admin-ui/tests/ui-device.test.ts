/**
 * Browser tests of device sign-in (`aila login`, RFC 8628) in real Chromium against the real
 * appliance: the CLI side by plain HTTP (device code, token polling), the approval on the /device page
 * after signing in through the development OIDC provider's login page.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startUiAppliance, type UiAppliance } from './support/appliance.js';
import { CHROMIUM_MISSING, launchChromium, newContext, screenshot, signIn } from './support/browser.js';
import { type BuiltUi, buildUi } from './support/build-ui.js';

/** RFC 8628 §3.2 device authorization response. */
interface DeviceAuthorization {
  device_code: string;
  user_code: string;
  verification_uri: string;
  verification_uri_complete: string;
  expires_in: number;
  interval: number;
}

const CLIENT_ID = 'aila-cli';
const GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:device_code';
/** The appliance's poll interval in these tests (the default is 5 seconds). */
const INTERVAL_SECONDS = 1;

describe('device sign-in (aila login) in Chromium', { skip: CHROMIUM_MISSING }, () => {
  let ui: BuiltUi;
  let appliance: UiAppliance;
  let browser: Browser;
  const contexts: Array<{ context: BrowserContext; problems: string[] }> = [];

  before(async () => {
    ui = await buildUi();
    appliance = await startUiAppliance({
      distDir: ui.distDir,
      env: { AILA_AUTH_DEVICE_POLL_INTERVAL_SECONDS: String(INTERVAL_SECONDS) },
    });
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

  /** A form-encoded POST, as the CLI sends it (RFC 8628 §3.1, §3.4). */
  async function postForm(path: string, fields: Record<string, string>) {
    const response = await fetch(`${appliance.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams(fields).toString(),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  async function startDeviceLogin(): Promise<DeviceAuthorization> {
    const { status, body } = await postForm('/auth/device/code', { client_id: CLIENT_ID });
    assert.equal(status, 200);
    const started = body as unknown as DeviceAuthorization;
    assert.match(started.user_code, /^[B-DF-HJ-NP-TV-XZ]{4}-[B-DF-HJ-NP-TV-XZ]{4}$/);
    assert.equal(started.verification_uri, `${appliance.url}/device`);
    assert.equal(started.verification_uri_complete, `${appliance.url}/device?user_code=${started.user_code}`);
    assert.equal(started.interval, INTERVAL_SECONDS);
    return started;
  }

  const pollOnce = (deviceCode: string) =>
    postForm('/auth/device/token', { grant_type: GRANT_TYPE, device_code: deviceCode, client_id: CLIENT_ID });

  /** Polls like the CLI (RFC 8628 §3.5): waits the interval, slows down when told, stops at an answer. */
  async function poll(
    started: DeviceAuthorization,
  ): Promise<{ status: number; body: Record<string, unknown> }> {
    let interval = started.interval;
    for (let attempt = 0; attempt < 30; attempt++) {
      await sleep(interval * 1000);
      const answer = await pollOnce(started.device_code);
      if (answer.body.error === 'authorization_pending') continue;
      if (answer.body.error === 'slow_down') {
        interval += 5;
        continue;
      }
      return answer;
    }
    throw new Error('the device sign-in was still pending after 30 polls');
  }

  test('a signed-out developer opens the link, signs in, comes back to the code and approves; the CLI gets a working key', async () => {
    const started = await startDeviceLogin();
    const pending = await pollOnce(started.device_code);
    assert.equal(pending.status, 400);
    assert.equal(pending.body.error, 'authorization_pending');

    const page = await newPage();
    await page.goto(started.verification_uri_complete);
    await page.waitForURL(
      `${appliance.url}/login?return_to=${encodeURIComponent(`/device?user_code=${started.user_code}`)}`,
    );
    await page.getByRole('link', { name: 'Continue with Development IdP' }).click();
    await page.getByRole('button', { name: /^Sign in as Dana Developer / }).click();
    await page.waitForURL(started.verification_uri_complete);

    await page.getByRole('heading', { level: 1, name: 'Device sign-in' }).waitFor();
    const request = page.getByRole('region', { name: 'Sign-in request' });
    assert.equal((await request.getByTestId('device-user-code').textContent())?.trim(), started.user_code);
    await request.getByText('AI-LA command line').waitFor();
    const access = request.getByRole('list', { name: 'Requested access' });
    await access.getByText('Gateway', { exact: true }).waitFor();
    await access.getByText('Assistant', { exact: true }).waitFor();
    await screenshot(page, 'device');

    await request.getByRole('button', { name: 'Approve' }).click();
    await page.getByText('Device signed in').waitFor();

    const granted = await poll(started);
    assert.equal(granted.status, 200, JSON.stringify(granted.body));
    assert.equal(granted.body.token_type, 'Bearer');
    assert.deepEqual(String(granted.body.scope).split(' ').sort(), ['assistant', 'gateway']);
    const token = String(granted.body.access_token);
    assert.match(token, /^aila_[A-Za-z0-9_-]{20,}$/);

    const me = await fetch(`${appliance.url}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(me.status, 200);
    const body = (await me.json()) as { user: { email: string }; auth: { method: string; scopes: string[] } };
    assert.equal(body.user.email, 'dev@ai-la.dev');
    assert.equal(body.auth.method, 'api_key');
    assert.deepEqual([...body.auth.scopes].sort(), ['assistant', 'gateway']);

    // The device code is single use.
    const again = await pollOnce(started.device_code);
    assert.equal(again.status, 400);
    assert.equal(again.body.error, 'invalid_grant');

    // The key is the user's own, listed and revocable on the API keys page.
    await page.getByRole('link', { name: 'Go to API keys' }).click();
    await page
      .getByRole('row')
      .filter({ hasText: `Device login (${CLIENT_ID})` })
      .waitFor();
  });

  test('a code typed by hand is formatted and checked; a denied sign-in gives the CLI access_denied', async () => {
    const started = await startDeviceLogin();
    const page = await newPage();
    await signIn(page, appliance.url, 'Dana Developer', '/device');
    await page.getByRole('heading', { level: 1, name: 'Device sign-in' }).waitFor();
    const input = page.getByRole('textbox', { name: 'Code shown in your terminal' });

    // Vowels and digits are never part of a code: explained before asking the server.
    await input.fill('aeio1234');
    assert.equal(await input.inputValue(), 'AEIO-1234');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page
      .locator('.field-error')
      .getByText(/only consonants/)
      .waitFor();
    assert.equal(await input.getAttribute('aria-invalid'), 'true');

    // Lower case without the dash is the same code.
    await input.fill(started.user_code.toLowerCase().replace('-', ''));
    assert.equal(await input.inputValue(), started.user_code);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL(started.verification_uri_complete);

    const request = page.getByRole('region', { name: 'Sign-in request' });
    await request.getByRole('button', { name: 'Deny' }).click();
    await page.getByText('Sign-in denied').waitFor();

    const denied = await poll(started);
    assert.equal(denied.status, 400);
    assert.equal(denied.body.error, 'access_denied');

    // A decided (or expired, or unknown) code is no longer waiting: the page says so and offers the form.
    await page.reload();
    await page.getByText('No sign-in is waiting for this code').waitFor();
    await page.getByRole('textbox', { name: 'Code shown in your terminal' }).waitFor();
  });

  test('no page error, console error or CSP violation happened', () => {
    assert.deepEqual(
      contexts.flatMap((c) => c.problems),
      [],
    );
  });
});
