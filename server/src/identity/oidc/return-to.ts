/** Longest return path kept across a sign-in. */
const MAX_RETURN_TO = 2048;

/**
 * Checks where to send the browser after sign-in: only a same-origin, path-absolute reference
 * (RFC 3986 §4.2), so the sign-in cannot be turned into an open redirect (RFC 9700 §4.11).
 * Returns the normalised path, query and fragment, or undefined when refused.
 */
export function safeReturnTo(value: string | undefined, publicUrl: string): string | undefined {
  if (value === undefined || value === '') return '/';
  if (value.length > MAX_RETURN_TO) return undefined;
  // "//host" is network-path (another origin); browsers also read "/\host" as one.
  if (!value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return undefined;
  // Control characters and backslashes anywhere are refused: browsers strip or rewrite them.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
  if (/[\u0000-\u001f\u007f\\]/.test(value)) return undefined;
  const base = new URL(publicUrl);
  let resolved: URL;
  try {
    resolved = new URL(value, base);
  } catch {
    return undefined;
  }
  if (resolved.origin !== base.origin) return undefined;
  return `${resolved.pathname}${resolved.search}${resolved.hash}`;
}
