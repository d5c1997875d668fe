/**
 * HTML of the development IdP: self-contained pages, no script, no external resources. The only
 * stylesheet is served by the IdP itself at {@link STYLESHEET_PATH}, so the pages can run under a
 * Content-Security-Policy without `'unsafe-inline'`.
 */
import type { DevUser } from './users.js';

/** Path of the IdP's own stylesheet. */
export const STYLESHEET_PATH = '/assets/dev-idp.css';

/** Title of the sign-in page; tests and people look for it. */
export const LOGIN_TITLE = 'AI-LA development sign-in';

/**
 * Headers for every page the IdP renders. No `form-action`: Chromium applies it to the redirects that
 * follow a form post, which here end at the relying party's redirect_uri on another origin.
 */
export const PAGE_SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'Content-Security-Policy':
    "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  // same-origin, not no-referrer: with no-referrer Chromium sends `Origin: null` on the sign-in form
  // post, which the same-origin check must refuse (Fetch standard, "serializing a request origin").
  'Referrer-Policy': 'same-origin',
  'Cache-Control': 'no-store',
});

/** Stylesheet served at {@link STYLESHEET_PATH}. */
export const STYLESHEET = `
*{box-sizing:border-box}
body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#f3f4f6;color:#111827}
main{max-width:28rem;margin:3rem auto;padding:2rem;background:#fff;border-radius:.75rem;box-shadow:0 1px 3px rgba(0,0,0,.12)}
h1{font-size:1.4rem;margin:0 0 .5rem}
p{line-height:1.45}
.muted{color:#4b5563;font-size:.9rem}
.notice{background:#fef3c7;border:1px solid #f59e0b;border-radius:.5rem;padding:.75rem;font-size:.9rem}
.error{background:#fee2e2;border:1px solid #dc2626;border-radius:.5rem;padding:.75rem}
form{margin:.5rem 0}
button{width:100%;padding:.7rem 1rem;font-size:1rem;border:0;border-radius:.5rem;background:#1d4ed8;color:#fff;cursor:pointer}
button:hover{background:#1e40af}
button+button{margin-top:.5rem}
button.secondary{background:#e5e7eb;color:#111827}
button.secondary:hover{background:#d1d5db}
label{display:block;font-weight:600;margin:1rem 0 .25rem}
input[type=email]{width:100%;padding:.6rem;font-size:1rem;border:1px solid #9ca3af;border-radius:.5rem;margin-bottom:.5rem}
ul.users{list-style:none;padding:0;margin:1rem 0}
ul.users li{margin:.5rem 0}
.groups{display:block;font-size:.8rem;color:#4b5563;margin-top:.15rem;text-align:center}
dl{font-size:.9rem}
dt{font-weight:600}
dd{margin:0 0 .5rem;word-break:break-word}
`.trimStart();

/** Escapes text for HTML element content and double- or single-quoted attribute values. */
export function escapeHtml(value: string): string {
  return value
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

/**
 * Wraps a body in the common document. `body` must already be escaped HTML; `title` is escaped here.
 */
export function renderPage(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)}</title>
<link rel="stylesheet" href="${STYLESHEET_PATH}">
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}

/** What the sign-in page needs to know. */
export interface LoginView {
  /** Interaction uid; the forms post back to `/interaction/<uid>/...`. */
  uid: string;
  /** The relying party being signed in to, shown so people know where they are going. */
  clientName: string;
  users: readonly DevUser[];
  /** Pre-fills the e-mail field (from `login_hint` or the last attempt). */
  email?: string;
  /** Shown above the forms, e.g. for an unknown e-mail. */
  error?: string;
}

function interactionAction(uid: string, action: 'login' | 'abort'): string {
  return escapeHtml(`/interaction/${encodeURIComponent(uid)}/${action}`);
}

/**
 * The sign-in page: one button per seeded user, a free e-mail form, and a cancel button. Every form is
 * a POST to the interaction URL; there is deliberately no GET way to sign in.
 */
export function renderLoginPage(view: LoginView): string {
  const login = interactionAction(view.uid, 'login');
  const userButtons = view.users
    .map(
      (user) => `<li><form method="post" action="${login}">
<input type="hidden" name="email" value="${escapeHtml(user.email)}">
<button type="submit">Sign in as ${escapeHtml(user.name)} (${escapeHtml(user.preferredUsername)})</button>
<span class="groups">${escapeHtml(user.email)} · groups: ${escapeHtml(user.groups.join(', ') || 'none')}</span>
</form></li>`,
    )
    .join('\n');
  const error = view.error ? `<p class="error" role="alert">${escapeHtml(view.error)}</p>\n` : '';
  return renderPage(
    LOGIN_TITLE,
    `<h1>${escapeHtml(LOGIN_TITLE)}</h1>
<p class="muted">Signing in to <strong>${escapeHtml(view.clientName)}</strong>.</p>
<p class="notice">Development identity provider: no password is asked, anyone who can reach this page can
sign in as any user below. It is for local development only and refuses to start when NODE_ENV=production.</p>
${error}<ul class="users">
${userButtons}
</ul>
<form id="email-login" method="post" action="${login}">
<label for="email">Or sign in with a development e-mail</label>
<input id="email" name="email" type="email" required autocomplete="username" maxlength="320" value="${escapeHtml(view.email ?? '')}">
<button type="submit">Sign in</button>
</form>
<form id="abort" method="post" action="${interactionAction(view.uid, 'abort')}">
<button type="submit" class="secondary">Cancel</button>
</form>
`,
  );
}

/** A page with a heading, a message and optional `term: description` details (all escaped). */
export function renderMessagePage(
  title: string,
  message: string,
  details: ReadonlyArray<readonly [string, string]> = [],
): string {
  const list = details.length
    ? `<dl>\n${details.map(([term, text]) => `<dt>${escapeHtml(term)}</dt><dd>${escapeHtml(text)}</dd>`).join('\n')}\n</dl>\n`
    : '';
  return renderPage(title, `<h1>${escapeHtml(title)}</h1>\n<p>${escapeHtml(message)}</p>\n${list}`);
}

/**
 * RP-initiated logout confirmation (OpenID RP-Initiated Logout 1.0 §2). `form` is the hidden form
 * oidc-provider builds (action and xsrf token, already escaped); the buttons submit it.
 */
export function renderLogoutPage(form: string, clientName: string | undefined): string {
  const from = clientName ? ` (requested by ${escapeHtml(clientName)})` : '';
  return renderPage(
    'Sign out of AI-LA development IdP',
    `<h1>Sign out?</h1>
<p>Do you want to sign out of the AI-LA development identity provider${from}?</p>
${form}
<button autofocus type="submit" form="op.logoutForm" name="logout" value="yes">Yes, sign me out</button>
<button type="submit" form="op.logoutForm" class="secondary">No, stay signed in</button>
`,
  );
}
