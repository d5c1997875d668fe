/**
 * Strict base64 codecs for evidence formats (EVIDENCE.md "Encodings").
 *
 * - `b64url`: RFC 4648 §5 base64url WITHOUT padding (receipt fields, key ids).
 * - `b64`: RFC 4648 §4 standard base64 WITH padding (C2SP text formats).
 *
 * Node's own `Buffer.from(s, 'base64')` silently skips invalid characters and
 * accepts non-canonical input; evidence must have exactly one encoding per
 * byte string, so the decoders here reject anything that does not re-encode to
 * the same text.
 */

const B64URL_RE = /^[A-Za-z0-9_-]*$/;
const B64_RE = /^[A-Za-z0-9+/]*={0,2}$/;

/** Error thrown for text that is not a canonical encoding. */
export class EncodingError extends Error {
  override readonly name = 'EncodingError';
}

/** Encodes bytes as RFC 4648 §5 base64url without padding. */
export function b64urlEncode(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');
}

/**
 * Decodes RFC 4648 §5 base64url without padding, strictly: only the alphabet
 * `A-Z a-z 0-9 - _`, no `=`, no whitespace, a length that is not 1 mod 4, and
 * zero unused trailing bits (RFC 4648 §3.5 canonical encoding).
 * @throws EncodingError on any violation.
 */
export function b64urlDecode(text: string): Buffer {
  if (!B64URL_RE.test(text)) {
    throw new EncodingError('invalid base64url: characters outside the unpadded base64url alphabet');
  }
  if (text.length % 4 === 1) {
    throw new EncodingError('invalid base64url: impossible length');
  }
  const bytes = Buffer.from(text, 'base64url');
  if (bytes.toString('base64url') !== text) {
    throw new EncodingError('invalid base64url: non-canonical trailing bits');
  }
  return bytes;
}

const B64_ALPHABET = Buffer.from(
  'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/',
  'latin1',
);
const PAD = 0x3d;

/**
 * Writes RFC 4648 §4 standard base64 with padding of `bytes` into `out` at `at` (which must have
 * room for 4 * ceil(n / 3) bytes) and returns the position after it: the same text as `b64Encode`,
 * without an intermediate string.
 */
export function b64EncodeInto(bytes: Uint8Array, out: Uint8Array, at: number): number {
  const a = B64_ALPHABET;
  const n = bytes.length;
  const whole = n - (n % 3);
  let o = at;
  for (let i = 0; i < whole; i += 3) {
    const x = ((bytes[i] as number) << 16) | ((bytes[i + 1] as number) << 8) | (bytes[i + 2] as number);
    out[o++] = a[x >> 18] as number;
    out[o++] = a[(x >> 12) & 63] as number;
    out[o++] = a[(x >> 6) & 63] as number;
    out[o++] = a[x & 63] as number;
  }
  if (n - whole === 1) {
    const x = bytes[whole] as number;
    out[o++] = a[x >> 2] as number;
    out[o++] = a[(x & 3) << 4] as number;
    out[o++] = PAD;
    out[o++] = PAD;
  } else if (n - whole === 2) {
    const x = ((bytes[whole] as number) << 8) | (bytes[whole + 1] as number);
    out[o++] = a[x >> 10] as number;
    out[o++] = a[(x >> 4) & 63] as number;
    out[o++] = a[(x & 15) << 2] as number;
    out[o++] = PAD;
  }
  return o;
}

/** Encodes bytes as RFC 4648 §4 standard base64 with padding. */
export function b64Encode(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/**
 * Decodes RFC 4648 §4 standard base64 with padding, strictly: standard alphabet,
 * length a multiple of 4, correct padding and zero unused trailing bits.
 * @throws EncodingError on any violation.
 */
export function b64Decode(text: string): Buffer {
  if (!B64_RE.test(text) || text.length % 4 !== 0) {
    throw new EncodingError('invalid base64: not padded standard base64');
  }
  const bytes = Buffer.from(text, 'base64');
  if (bytes.toString('base64') !== text) {
    throw new EncodingError('invalid base64: non-canonical encoding');
  }
  return bytes;
}

/**
 * Decodes b64url and checks the decoded length, for fixed-size fields such as
 * hashes (32), nonces (16), public keys (32) and signatures (64).
 * @throws EncodingError when the text is invalid or has the wrong length.
 */
export function b64urlDecodeExact(text: string, length: number): Buffer {
  const bytes = b64urlDecode(text);
  if (bytes.length !== length) {
    throw new EncodingError(`expected ${length} bytes, got ${bytes.length}`);
  }
  return bytes;
}

/** Decodes padded b64 and checks the decoded length (e.g. 32-byte tree hashes). */
export function b64DecodeExact(text: string, length: number): Buffer {
  const bytes = b64Decode(text);
  if (bytes.length !== length) {
    throw new EncodingError(`expected ${length} bytes, got ${bytes.length}`);
  }
  return bytes;
}
