import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from 'node:crypto';

/**
 * Password hashes for the break-glass administrator: scrypt (RFC 7914), stored as
 * `scrypt$<N>$<r>$<p>$<salt, base64>$<hash, base64>` so the cost can grow without breaking old hashes.
 */

/** N = 2^15, r = 8, p = 1: about 32 MiB and tens of milliseconds per guess (RFC 7914 §2 guidance). */
const COST = { N: 32768, r: 8, p: 1 };
const KEY_LENGTH = 32;
const MAX_MEMORY = 256 * 1024 * 1024;

const derive = (password: string, salt: Buffer, options: ScryptOptions, length: number) =>
  new Promise<Buffer>((resolve, reject) =>
    scrypt(password.normalize('NFC'), salt, length, { ...options, maxmem: MAX_MEMORY }, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  );

/** Hashes a password with a fresh 16-byte salt. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await derive(password, salt, COST, KEY_LENGTH);
  return ['scrypt', COST.N, COST.r, COST.p, salt.toString('base64'), hash.toString('base64')].join('$');
}

/** The parameters of a stored hash, or undefined when it is not one this module wrote. */
export function parseHash(
  encoded: string,
): { options: ScryptOptions; salt: Buffer; hash: Buffer } | undefined {
  const match = /^scrypt\$(\d+)\$(\d+)\$(\d+)\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/.exec(encoded);
  if (!match) return undefined;
  const [, n, r, p, salt, hash] = match;
  const options = { N: Number(n), r: Number(r), p: Number(p) };
  // A power of two N (scrypt's requirement) within sane bounds; anything else is a broken hash.
  if (
    options.N < 2 ||
    options.N > 2 ** 20 ||
    (options.N & (options.N - 1)) !== 0 ||
    options.r > 32 ||
    options.p > 16
  ) {
    return undefined;
  }
  return { options, salt: Buffer.from(salt ?? '', 'base64'), hash: Buffer.from(hash ?? '', 'base64') };
}

/** Checks a password against a stored hash in constant time; false for a malformed hash. */
export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  const parsed = parseHash(encoded);
  if (!parsed || parsed.hash.length < 16) return false;
  const candidate = await derive(password, parsed.salt, parsed.options, parsed.hash.length);
  return timingSafeEqual(candidate, parsed.hash);
}
