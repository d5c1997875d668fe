/**
 * Cookie parsing and serialisation for the session and sign-in cookies (RFC 6265). Only what the
 * appliance itself sets is read back, so the parser is deliberately small.
 */

/** Parses a `Cookie` request header (RFC 6265 §4.2.1) into name -> value; the first of a name wins. */
export function parseCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  if (!header) return cookies;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    let value = part.slice(eq + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    if (name && !cookies.has(name)) cookies.set(name, value);
  }
  return cookies;
}

export interface CookieOptions {
  /** Seconds until expiry; 0 deletes the cookie; undefined: a browser-session cookie. */
  maxAgeSeconds?: number;
  /** Secure attribute (RFC 6265 §4.1.2.5); required for `__Host-` names. */
  secure: boolean;
  /**
   * SameSite (RFC 6265bis §4.1.2.7), Lax by default. None (only with Secure) for the SAML sign-in
   * binding, which must come back on the IdP's cross-site POST to the ACS.
   */
  sameSite?: 'Lax' | 'None';
}

/** Cookie values the appliance sets are base64url: no character needs quoting (RFC 6265 §4.1.1). */
const COOKIE_VALUE = /^[A-Za-z0-9_-]*$/;

/**
 * Serialises a `Set-Cookie` header: always HttpOnly, SameSite=Lax (sent on the top-level redirect
 * back from the IdP, not on cross-site subrequests) unless told None, Path=/ and no Domain, as the
 * `__Host-` prefix requires (RFC 6265bis §4.1.3.2).
 */
export function serializeCookie(name: string, value: string, options: CookieOptions): string {
  if (!COOKIE_VALUE.test(value)) throw new Error(`cookie ${name}: value must be base64url`);
  if (options.sameSite === 'None' && !options.secure)
    throw new Error(`cookie ${name}: SameSite=None needs Secure`);
  const parts = [`${name}=${value}`, 'Path=/', 'HttpOnly', `SameSite=${options.sameSite ?? 'Lax'}`];
  if (options.secure) parts.push('Secure');
  if (options.maxAgeSeconds !== undefined)
    parts.push(`Max-Age=${Math.max(0, Math.floor(options.maxAgeSeconds))}`);
  return parts.join('; ');
}

/** Names of the appliance's cookies. `__Host-` (RFC 6265bis §4.1.3.2) needs Secure, so insecure mode drops it. */
export function cookieNames(insecure: boolean): { session: string; login: string; saml: string } {
  return insecure
    ? { session: 'aila_session', login: 'aila_login', saml: 'aila_saml' }
    : { session: '__Host-aila_session', login: '__Host-aila_login', saml: '__Host-aila_saml' };
}

/**
 * The `Set-Cookie` of a sign-in binding token (a sign-in or a test sign-in): the OIDC login cookie,
 * or the SAML one, which must come back with the IdP's cross-site POST to the ACS and is therefore
 * SameSite=None when Secure. It lives as long as a sign-in may take.
 */
export function bindingCookie(
  options: { insecureCookies: boolean; loginTimeoutMs: number },
  protocol: 'oidc' | 'saml',
  token: string,
): string {
  const names = cookieNames(options.insecureCookies);
  const secure = !options.insecureCookies;
  const cookie = { secure, maxAgeSeconds: options.loginTimeoutMs / 1000 };
  return protocol === 'saml'
    ? serializeCookie(names.saml, token, { ...cookie, ...(secure ? { sameSite: 'None' as const } : {}) })
    : serializeCookie(names.login, token, cookie);
}
