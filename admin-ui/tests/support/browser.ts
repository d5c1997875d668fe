import { existsSync } from 'node:fs';
/**
 * Chromium (Debian's, never a downloaded one) driven by playwright-core, with helpers to sign in
 * through the development IdP's real login page and to save documentation screenshots.
 */
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { type Browser, type BrowserContext, type CDPSession, chromium, type Page } from 'playwright-core';

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
    if (msg.type() === 'error' && !/status of 40[1349]/.test(text)) {
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

/** A JSON request from the page, with the session's CSRF token, as the console's own client sends it. */
export async function apiFrom<T>(page: Page, method: string, path: string, body?: unknown): Promise<T> {
  return page.evaluate(
    async ({ method, path, body }) => {
      const me = (await (await fetch('/api/v1/me')).json()) as { csrf_token: string };
      const res = await fetch(path, {
        method,
        headers: { 'content-type': 'application/json', 'x-csrf-token': me.csrf_token },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status} ${await res.text()}`);
      return (res.status === 204 ? undefined : await res.json()) as T;
    },
    { method, path, body },
  );
}

/** Roles of the controls a person operates; each needs an accessible name and keyboard focus. */
const CONTROL_ROLES = new Set([
  'button',
  'checkbox',
  'combobox',
  'link',
  'listbox',
  'menuitem',
  'radio',
  'searchbox',
  'slider',
  'spinbutton',
  'switch',
  'tab',
  'textbox',
]);

/**
 * The DOM tabIndex of a node: below 0, the Tab key never reaches it. Parts of a built-in widget (the
 * fields of a date input, in its shadow tree) are reached through the widget itself.
 */
async function tabIndexOf(cdp: CDPSession, backendNodeId: number): Promise<number> {
  const { object } = (await cdp.send('DOM.resolveNode', { backendNodeId })) as {
    object: { objectId: string };
  };
  const { result } = (await cdp.send('Runtime.callFunctionOn', {
    objectId: object.objectId,
    functionDeclaration:
      'function () { return this.getRootNode() instanceof ShadowRoot ? 0 : this.tabIndex; }',
    returnByValue: true,
  })) as { result: { value: number } };
  return result.value;
}

/**
 * Controls on the page, as Chromium's accessibility tree has them, that have no accessible name or
 * the Tab key cannot reach (disabled ones excepted); each as its role and the start of its HTML.
 */
export async function inaccessibleControls(page: Page): Promise<string[]> {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { nodes } = (await cdp.send('Accessibility.getFullAXTree')) as {
      nodes: Array<{
        ignored: boolean;
        role?: { value: string };
        name?: { value: string };
        properties?: Array<{ name: string; value: { value: unknown } }>;
        backendDOMNodeId?: number;
      }>;
    };
    const problems: string[] = [];
    for (const node of nodes) {
      const role = node.role?.value ?? '';
      if (node.ignored || !CONTROL_ROLES.has(role) || node.backendDOMNodeId === undefined) continue;
      const property = (name: string) => node.properties?.find((p) => p.name === name)?.value.value;
      const unnamed = !String(node.name?.value ?? '').trim();
      const unreachable =
        property('disabled') !== true &&
        (property('focusable') !== true || (await tabIndexOf(cdp, node.backendDOMNodeId)) < 0);
      if (!unnamed && !unreachable) continue;
      const { outerHTML } = (await cdp.send('DOM.getOuterHTML', {
        backendNodeId: node.backendDOMNodeId,
      })) as {
        outerHTML: string;
      };
      problems.push(
        `${role} ${unnamed ? 'without a name' : 'not reachable by Tab'}: ${outerHTML.slice(0, 160)}`,
      );
    }
    return problems;
  } finally {
    await cdp.detach();
  }
}

/** Runs in the page as source text (the test runner's transpiler would wrap named functions). */
const CONTRAST_SCRIPT = `(() => {
    const rgba = (value) => {
      const [r = 0, g = 0, b = 0, a = 1] = (value.match(/[\\d.]+/g) ?? []).map(Number);
      return { r, g, b, a: value.startsWith('rgba') ? a : 1 };
    };
    const luminance = ({ r, g, b }) => {
      const channel = (c) => {
        const s = c / 255;
        return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
      };
      return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
    };
    const background = (element) => {
      for (let e = element; e; e = e.parentElement) {
        const color = rgba(getComputedStyle(e).backgroundColor);
        if (color.a >= 0.99) return color;
      }
      return { r: 255, g: 255, b: 255, a: 1 };
    };
    const problems = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    const seen = new Set();
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const element = node.parentElement;
      if (!element || seen.has(element) || !node.textContent?.trim()) continue;
      seen.add(element);
      if (element.closest('[disabled], [aria-disabled="true"], .visually-hidden, [aria-hidden="true"]'))
        continue;
      const box = element.getBoundingClientRect();
      const style = getComputedStyle(element);
      if (box.width === 0 || box.height === 0 || style.visibility === 'hidden' || Number(style.opacity) === 0)
        continue;
      const fg = rgba(style.color);
      const bg = background(element);
      // A translucent text colour shows blended with the background.
      const shown = {
        r: fg.r * fg.a + bg.r * (1 - fg.a),
        g: fg.g * fg.a + bg.g * (1 - fg.a),
        b: fg.b * fg.a + bg.b * (1 - fg.a),
      };
      const [light, dark] = [luminance(shown), luminance(bg)].sort((x, y) => y - x);
      const ratio = (light + 0.05) / (dark + 0.05);
      const size = Number.parseFloat(style.fontSize);
      const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
      if (ratio < (large ? 3 : 4.5))
        problems.push(ratio.toFixed(2) + ': ' + node.textContent.trim().slice(0, 60));
    }
    return problems;
})()`;

/**
 * Visible text of the page whose contrast with its background is below WCAG AA (4.5:1, or 3:1 for
 * large text), disabled controls excepted; each as the ratio and the start of the text. The
 * background is the first opaque one behind the element.
 */
export async function lowContrastText(page: Page): Promise<string[]> {
  return (await page.evaluate(CONTRAST_SCRIPT)) as string[];
}
