import { existsSync } from 'node:fs';
/**
 * Chromium (Debian's, never a downloaded one) driven by playwright-core, with helpers to sign in
 * through the development IdP's real login page and to save documentation screenshots.
 */
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Screenshots referenced by docs/user-guide.md, written when AILA_SCREENSHOTS=on. */
const IMAGES_DIR = resolve(import.meta.dirname, '../../../docs/images');

const CHROMIUM = '/usr/bin/chromium';

/**
 * Browser tests need Debian's Chromium (`apt-get install chromium`; .ci/run installs it). Without it
 * they are reported as skipped with this reason rather than failing on a missing binary.
 */
export const CHROMIUM_MISSING: string | false = existsSync(CHROMIUM)
  ? false
  : `${CHROMIUM} not installed (apt-get install chromium)`;

export const launchChromium = (): Promise<Browser> =>
  chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });

/** A fresh browser profile at the documentation viewport, collecting console errors and CSP reports. */
export async function newContext(browser: Browser): Promise<{ context: BrowserContext; problems: string[] }> {
  const context = await browser.newContext({
    viewport: { width: 1440, height: 900 },
    deviceScaleFactor: 1,
    locale: 'en-US',
    timezoneId: 'UTC',
    colorScheme: 'light',
  });
  // The whole test suite shares two cores with the appliance and Chromium: allow for a loaded machine.
  context.setDefaultTimeout(60_000);
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const problems: string[] = [];
  context.on('page', (page) => watch(page, problems));
  return { context, problems };
}

function watch(page: Page, problems: string[]): void {
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('console', (msg) => {
    const text = msg.text();
    // Expected: the browser logs the 401 of GET /api/v1/me on a signed-out visit and 4xx answers a test provokes.
    if (msg.type() === 'error' && !/status of 40[134]/.test(text)) {
      problems.push(`console error: ${text}`);
    }
    if (/Content Security Policy/i.test(text)) problems.push(`CSP: ${text}`);
  });
}

/** Signs in at the appliance through the development IdP's login page, as `name` (e.g. "Dana Developer"). */
export async function signIn(page: Page, baseUrl: string, name: string, returnTo = '/'): Promise<void> {
  await page.goto(`${baseUrl}/login?return_to=${encodeURIComponent(returnTo)}`);
  await page.getByRole('link', { name: 'Continue with Development IdP' }).click();
  await page.getByRole('button', { name: new RegExp(`^Sign in as ${name} `) }).click();
  await page.waitForURL((url) => url.origin === baseUrl && !url.pathname.startsWith('/auth/'));
  await page.getByTestId('user-name').filter({ hasText: name }).waitFor({ state: 'attached' });
}

/** Saves `docs/images/<name>.png` of the current page (fonts and images loaded, no animation). */
export async function screenshot(page: Page, name: string): Promise<void> {
  if (process.env.AILA_SCREENSHOTS !== 'on') return;
  await mkdir(IMAGES_DIR, { recursive: true });
  // No hover effect on whatever was clicked last.
  await page.mouse.move(0, page.viewportSize()?.height ?? 0);
  await page.evaluate(() => document.fonts.ready);
  await page.screenshot({ path: resolve(IMAGES_DIR, `${name}.png`), animations: 'disabled', caret: 'hide' });
}

/**
 * Runs `check` after reloading the page until it holds (data written asynchronously by the appliance,
 * e.g. usage rollups); fails after `attempts` reloads.
 */
export async function reloadUntil(page: Page, check: () => Promise<boolean>, attempts = 20): Promise<void> {
  for (let i = 0; i < attempts; i++) {
    if (await check()) return;
    await page.reload();
    await page.waitForLoadState('networkidle');
  }
  throw new Error(`condition still false after ${attempts} reloads of ${page.url()}`);
}
