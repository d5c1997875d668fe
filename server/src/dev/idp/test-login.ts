/**
 * Browserless sign-in at the development IdP, for integration tests: drives the same HTTP exchanges a
 * browser would (redirects followed by hand, cookies kept, the sign-in form posted) with `fetch`.
 */

interface StoredCookie {
  name: string;
  value: string;
  host: string;
  path: string;
  /** Epoch milliseconds, or undefined for a session cookie. */
  expiresAt: number | undefined;
}

/** RFC 6265 §5.1.4 default-path: the request path up to, not including, its right-most "/". */
function defaultPath(url: URL): string {
  const path = url.pathname;
  if (!path.startsWith('/')) return '/';
  const last = path.lastIndexOf('/');
  return last <= 0 ? '/' : path.slice(0, last);
}

/** RFC 6265 §5.1.4 path-match. */
function pathMatches(requestPath: string, cookiePath: string): boolean {
  if (requestPath === cookiePath) return true;
  if (!requestPath.startsWith(cookiePath)) return false;
  return cookiePath.endsWith('/') || requestPath.charAt(cookiePath.length) === '/';
}

/**
 * A minimal cookie store for one user agent: host-only cookies (RFC 6265 §5.3 without Domain), path
 * matching, Max-Age and Expires. Enough for an IdP that sets only host-only cookies.
 */
export class CookieJar {
  readonly #cookies = new Map<string, StoredCookie>();

  /** Records the `Set-Cookie` headers of a response to a request for `requestUrl` (RFC 6265 §5.2). */
  store(requestUrl: string | URL, response: Response): void {
    const url = new URL(requestUrl);
    for (const header of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = header.split(';');
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const cookie: StoredCookie = {
        name: pair.slice(0, eq).trim(),
        value: pair.slice(eq + 1).trim(),
        host: url.host,
        path: defaultPath(url),
        expiresAt: undefined,
      };
      let maxAge: number | undefined;
      for (const attribute of attributes) {
        const [rawKey = '', ...rest] = attribute.split('=');
        const key = rawKey.trim().toLowerCase();
        const value = rest.join('=').trim();
        if (key === 'path' && value.startsWith('/')) cookie.path = value;
        else if (key === 'max-age' && /^-?\d+$/.test(value)) maxAge = Number(value);
        else if (key === 'expires' && !Number.isNaN(Date.parse(value))) cookie.expiresAt = Date.parse(value);
      }
      // §5.3 step 3: Max-Age wins over Expires.
      if (maxAge !== undefined) cookie.expiresAt = Date.now() + maxAge * 1000;
      const key = `${cookie.host} ${cookie.path} ${cookie.name}`;
      if (cookie.expiresAt !== undefined && cookie.expiresAt <= Date.now()) this.#cookies.delete(key);
      else this.#cookies.set(key, cookie);
    }
  }

  /** The `Cookie` header for a request to `url`, longer paths first (RFC 6265 §5.4), or undefined. */
  header(url: string | URL): string | undefined {
    const target = new URL(url);
    const now = Date.now();
    const matching = [...this.#cookies.values()]
      .filter(
        (cookie) =>
          cookie.host === target.host &&
          pathMatches(target.pathname, cookie.path) &&
          (cookie.expiresAt === undefined || cookie.expiresAt > now),
      )
      .sort((a, b) => b.path.length - a.path.length);
    return matching.length
      ? matching.map((cookie) => `${cookie.name}=${cookie.value}`).join('; ')
      : undefined;
  }
}

/** The IdP answered with something other than the expected page or redirect. */
export class DevIdpLoginError extends Error {
  constructor(
    message: string,
    /** HTTP status of the unexpected response. */
    readonly status: number,
    /** Its body (HTML), for assertions on what a person would have seen. */
    readonly body: string,
  ) {
    super(message);
    this.name = 'DevIdpLoginError';
  }
}

/** The most redirects a sign-in takes is five; more means a loop. */
const MAX_STEPS = 12;

function decodeEntities(text: string): string {
  return text
    .replaceAll('&quot;', '"')
    .replaceAll('&#39;', "'")
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&amp;', '&');
}

function attributesOf(tag: string): Map<string, string> {
  const attributes = new Map<string, string>();
  for (const match of tag.matchAll(/([a-zA-Z_:.-]+)="([^"]*)"/g)) {
    attributes.set((match[1] ?? '').toLowerCase(), decodeEntities(match[2] ?? ''));
  }
  return attributes;
}

/**
 * Finds the `<form id="...">` in a page (the first form when `id` is undefined) and returns its action
 * and hidden inputs.
 */
function findForm(html: string, id?: string): { action: string; hidden: URLSearchParams } | undefined {
  for (const match of html.matchAll(/<form\b[^>]*>([\s\S]*?)<\/form>/g)) {
    const [whole, inner = ''] = match;
    const attributes = attributesOf(whole.slice(0, whole.indexOf('>') + 1));
    if (id !== undefined && attributes.get('id') !== id) continue;
    const hidden = new URLSearchParams();
    for (const input of inner.matchAll(/<input\b[^>]*>/g)) {
      const inputAttributes = attributesOf(input[0]);
      const name = inputAttributes.get('name');
      if (inputAttributes.get('type') === 'hidden' && name)
        hidden.append(name, inputAttributes.get('value') ?? '');
    }
    return { action: attributes.get('action') ?? '', hidden };
  }
  return undefined;
}

async function send(url: URL, jar: CookieJar, init: { method?: string; form?: URLSearchParams } = {}) {
  const headers = new Headers();
  const cookie = jar.header(url);
  if (cookie) headers.set('cookie', cookie);
  if (init.form) {
    headers.set('content-type', 'application/x-www-form-urlencoded');
    // What a browser sends when it submits a form of the page it shows.
    headers.set('origin', url.origin);
  }
  const response = await fetch(url, {
    method: init.method ?? 'GET',
    headers,
    redirect: 'manual',
    ...(init.form ? { body: init.form.toString() } : {}),
  });
  jar.store(url, response);
  return { response, body: await response.text() };
}

/** Follows redirects from `start` until one leaves the IdP (`isDone`), or returns the page reached. */
async function walk(
  start: { url: URL; method?: string; form?: URLSearchParams },
  jar: CookieJar,
  isDone: (location: URL) => boolean,
  steps: { left: number },
): Promise<{ done: URL } | { page: { url: URL; status: number; body: string } }> {
  let url = start.url;
  let next: { method?: string; form?: URLSearchParams } = start;
  while (steps.left-- > 0) {
    const { response, body } = await send(url, jar, next);
    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location) {
      const target = new URL(location, url);
      if (isDone(target)) return { done: target };
      url = target;
      next = {};
      continue;
    }
    return { page: { url, status: response.status, body } };
  }
  throw new DevIdpLoginError('too many redirects at the development IdP', 0, '');
}

/**
 * Signs in at the development IdP as the user with `email`, starting from an authorization request URL
 * built by the relying party, and returns the URL the IdP finally redirects the browser to: the
 * client's redirect_uri with `code`, `state` and `iss` (or with `error` when the IdP refuses the request,
 * e.g. without PKCE). Pass the same `cookieJar` to keep the IdP session across calls; when it already
 * holds a session the IdP skips its sign-in page, as for a browser, and the code belongs to that user.
 * Throws {@link DevIdpLoginError} when the IdP shows anything but the expected pages, for instance the
 * error page for an unknown e-mail.
 */
export async function loginWithDevIdp(
  authorizationUrl: string,
  email: string,
  cookieJar: CookieJar = new CookieJar(),
): Promise<string> {
  const start = new URL(authorizationUrl);
  const redirectUri = start.searchParams.get('redirect_uri');
  const callback = redirectUri && URL.canParse(redirectUri) ? new URL(redirectUri) : undefined;
  const isDone = (location: URL) =>
    callback
      ? location.origin === callback.origin && location.pathname === callback.pathname
      : location.origin !== start.origin;
  const steps = { left: MAX_STEPS };

  const first = await walk({ url: start }, cookieJar, isDone, steps);
  if ('done' in first) return first.done.href;
  const form = first.page.status === 200 ? findForm(first.page.body, 'email-login') : undefined;
  if (!form) {
    throw new DevIdpLoginError(
      `expected the sign-in page, got HTTP ${first.page.status} at ${first.page.url.href}`,
      first.page.status,
      first.page.body,
    );
  }
  const fields = new URLSearchParams(form.hidden);
  fields.set('email', email);
  const second = await walk(
    { url: new URL(form.action, first.page.url), method: 'POST', form: fields },
    cookieJar,
    isDone,
    steps,
  );
  if ('done' in second) return second.done.href;
  throw new DevIdpLoginError(
    `sign-in as ${email} failed with HTTP ${second.page.status} at ${second.page.url.href}`,
    second.page.status,
    second.page.body,
  );
}

/**
 * RP-initiated logout (OpenID RP-Initiated Logout 1.0 §2) without a browser: opens `endSessionUrl`,
 * confirms the sign-out, and returns the URL the IdP redirects to (the post_logout_redirect_uri with
 * `state`, or the IdP's own "signed out" page).
 */
export async function logoutWithDevIdp(endSessionUrl: string, cookieJar: CookieJar): Promise<string> {
  const start = new URL(endSessionUrl);
  const leaves = (location: URL) => location.origin !== start.origin;
  const steps = { left: MAX_STEPS };
  const first = await walk({ url: start }, cookieJar, leaves, steps);
  if ('done' in first) return first.done.href;
  // With a session the confirmation page names its form "op.logoutForm"; without one oidc-provider
  // sends a self-submitting form, which has no id: accept the first form then.
  const form = findForm(first.page.body, 'op.logoutForm') ?? findForm(first.page.body);
  if (first.page.status !== 200 || !form) {
    throw new DevIdpLoginError(
      `expected the sign-out page, got HTTP ${first.page.status} at ${first.page.url.href}`,
      first.page.status,
      first.page.body,
    );
  }
  const fields = new URLSearchParams(form.hidden);
  fields.set('logout', 'yes');
  const second = await walk(
    { url: new URL(form.action, first.page.url), method: 'POST', form: fields },
    cookieJar,
    leaves,
    steps,
  );
  return 'done' in second ? second.done.href : second.page.url.href;
}
