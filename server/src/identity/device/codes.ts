import { randomBytes } from 'node:crypto';

/**
 * RFC 8628 §6.1: user codes from 20 consonants (no vowels, so no words; no look-alikes), 8 of them:
 * 20^8 ≈ 2^34.6 possibilities, enough with rate-limited guessing and a short lifetime.
 */
export const USER_CODE_ALPHABET = 'BCDFGHJKLMNPQRSTVWXZ';
const USER_CODE_LENGTH = 8;

/** A new user code (8 characters, uniformly random over the alphabet). */
export function newUserCode(): string {
  let code = '';
  while (code.length < USER_CODE_LENGTH) {
    for (const byte of randomBytes(16)) {
      // Rejection sampling: 240 = 12 * 20, so bytes below it map uniformly onto the alphabet.
      if (byte < 240 && code.length < USER_CODE_LENGTH) code += USER_CODE_ALPHABET[byte % 20];
    }
  }
  return code;
}

/** How a user code is shown and typed: `XXXX-XXXX` (RFC 8628 §6.1 recommends a separator). */
export const formatUserCode = (code: string) => `${code.slice(0, 4)}-${code.slice(4)}`;

/**
 * A user code as typed: case, dashes and spaces do not matter (RFC 8628 §6.1). Undefined when it
 * cannot be a user code at all.
 */
export function normaliseUserCode(input: string): string | undefined {
  const code = input.toUpperCase().replace(/[\s-]/g, '');
  if (code.length !== USER_CODE_LENGTH) return undefined;
  return [...code].every((c) => USER_CODE_ALPHABET.includes(c)) ? code : undefined;
}
