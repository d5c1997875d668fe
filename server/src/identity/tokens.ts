import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Prefix of every API key, so secret scanners and people recognise one. */
export const API_KEY_PREFIX = 'aila_';

/** Prefix of SCIM provisioning tokens: told apart from API keys before any lookup. */
export const SCIM_TOKEN_PREFIX = 'ailascim_';

/** 256 bits from the CSPRNG, base64url: session tokens, login bindings, API key bodies. */
export const randomToken = (bytes = 32) => randomBytes(bytes).toString('base64url');

const BINDING_TOKEN = /^[A-Za-z0-9_-]{43}$/;

/**
 * A sign-in binding token (the value of the login cookie that ties a sign-in to its browser): the one
 * the browser already holds, so parallel sign-ins in several tabs all work, else a new one.
 */
export const bindingOf = (current: string | undefined) =>
  current && BINDING_TOKEN.test(current) ? current : randomToken();

/**
 * SHA-256 (hex) of a high-entropy token. Enough for random 256-bit secrets: there is nothing to
 * brute-force, so a slow password hash would only cost time on every request.
 */
export const sha256Hex = (value: string) => createHash('sha256').update(value, 'utf8').digest('hex');

/** A new API key: the secret shown once, its stored hash and the short prefix shown in listings. */
export function newApiKey(): { secret: string; hash: string; prefix: string } {
  const secret = `${API_KEY_PREFIX}${randomToken()}`;
  return { secret, hash: sha256Hex(secret), prefix: secret.slice(0, API_KEY_PREFIX.length + 6) };
}

/**
 * The CSRF token of a session, derived from its secret cookie token: a page on another origin can
 * make the browser send the cookie but can neither read it nor this value, so it cannot set the
 * matching `x-csrf-token` header (OWASP CSRF Prevention, "custom request headers" and "synchronizer
 * token" patterns). Nothing extra is stored.
 */
export const csrfTokenOf = (sessionToken: string) =>
  createHash('sha256').update(`aila-csrf\0${sessionToken}`, 'utf8').digest('base64url');

/** Constant-time string comparison (no early exit that would leak how much of a secret matched). */
export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}
