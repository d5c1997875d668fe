/**
 * User codes of device sign-in (`aila login`, RFC 8628 §6.1), as server/src/identity/device/codes.ts
 * makes them: 8 consonants shown as `XXXX-XXXX`; case, spaces and the dash do not matter.
 */

/** The server's alphabet: consonants only, without look-alikes. */
export const USER_CODE_ALPHABET = 'BCDFGHJKLMNPQRSTVWXZ';
const USER_CODE_LENGTH = 8;

/** What is typed so far, as `XXXX-XXXX`: upper case, letters and digits only, the dash after four. */
export function formatUserCodeInput(value: string): string {
  const chars = value
    .toUpperCase()
    .replace(/[^A-Z0-9]/g, '')
    .slice(0, USER_CODE_LENGTH);
  return chars.length > 4 ? `${chars.slice(0, 4)}-${chars.slice(4)}` : chars;
}

/** The code as `XXXX-XXXX` when it can be a user code at all; undefined otherwise. */
export function normaliseUserCode(value: string): string | undefined {
  const code = value.toUpperCase().replace(/[\s-]/g, '');
  if (code.length !== USER_CODE_LENGTH) return undefined;
  if (![...code].every((c) => USER_CODE_ALPHABET.includes(c))) return undefined;
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

/** Why a typed code cannot be one, for the form; undefined when it can. */
export function userCodeProblem(value: string): string | undefined {
  const code = value.toUpperCase().replace(/[\s-]/g, '');
  if (code === '') return 'Enter the code your terminal shows.';
  if (code.length !== USER_CODE_LENGTH) return 'The code has 8 letters, like WDJB-MJHT.';
  if (normaliseUserCode(code) === undefined) {
    return 'Codes use only consonants (no vowels, no digits): check for a mistyped character.';
  }
  return undefined;
}
