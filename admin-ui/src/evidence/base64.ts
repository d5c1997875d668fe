/**
 * Base64 as EVIDENCE.md uses it: `b64url` (RFC 4648 §5, no padding) for receipts and JWKS, `b64`
 * (RFC 4648 §4, padded) inside C2SP text formats. Decoding is strict: one text per byte string, so
 * a value that verifies is the value that was signed.
 */

const B64URL = /^[A-Za-z0-9_-]*$/;
const B64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Thrown for text that is not canonical base64 of the expected kind. */
export class Base64Error extends Error {
  override readonly name = 'Base64Error';
}

function toBinary(bytes: Uint8Array): string {
  let out = '';
  for (const byte of bytes) out += String.fromCharCode(byte);
  return out;
}

function fromBinary(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

/** RFC 4648 §4 with padding. */
export function b64Encode(bytes: Uint8Array): string {
  return btoa(toBinary(bytes));
}

/** RFC 4648 §5 without padding. */
export function b64urlEncode(bytes: Uint8Array): string {
  return b64Encode(bytes).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Decodes padded standard base64; refuses non-canonical text (wrong padding, stray bits). */
export function b64Decode(text: string): Uint8Array {
  if (!B64.test(text)) throw new Base64Error('not padded standard base64');
  const bytes = fromBinary(atob(text));
  if (b64Encode(bytes) !== text) throw new Base64Error('non-canonical base64');
  return bytes;
}

/** Decodes unpadded base64url; refuses non-canonical text. */
export function b64urlDecode(text: string): Uint8Array {
  if (!B64URL.test(text) || text.length % 4 === 1) throw new Base64Error('not unpadded base64url');
  const padded = text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4);
  const bytes = fromBinary(atob(padded));
  if (b64urlEncode(bytes) !== text) throw new Base64Error('non-canonical base64url');
  return bytes;
}

/** Lowercase hexadecimal. */
export function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Byte-wise equality. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

/** Concatenation of byte strings. */
export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** UTF-8 bytes of a string. */
export const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
