/**
 * The byte formats of retained content (docs/data-protection.md):
 *
 * - A content key (one per user, one per team) is 32 random bytes, stored wrapped under the
 *   key-encryption key (KEK): `nonce(12) || AES-256-GCM ciphertext(32) || tag(16)`, with the key's
 *   id and owner as additional authenticated data, so a wrapped key cannot be moved to another row.
 * - A sealed value is `header || ciphertext || tag(16)` where
 *   `header = 0x01 || user key id(16) || team key id(16, zero without a team) || nonce(12)`.
 *   Its AES-256-GCM key is HKDF-SHA256 (RFC 5869) of the user key and the team key together, so
 *   destroying either one makes the value unreadable for good (crypto-shredding). The whole header
 *   is authenticated.
 */
import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';

export const SEALED_VERSION = 0x01;
const KEY_BYTES = 32;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const ID_BYTES = 16;
/** version + user key id + team key id + nonce. */
export const HEADER_BYTES = 1 + ID_BYTES + ID_BYTES + NONCE_BYTES;
const NO_TEAM = Buffer.alloc(ID_BYTES);
const ITEM_INFO = Buffer.from('ai-la/content/v1', 'utf8');
const WRAP_AAD = 'ai-la/content-key/v1';

/** Thrown when bytes are not a sealed value or were altered (the GCM tag does not verify). */
export class SealedFormatError extends Error {
  override readonly name = 'SealedFormatError';
}

/** A content key in the clear (only ever in memory). */
export interface ContentKey {
  id: string;
  key: Buffer;
}

export const uuidBytes = (id: string): Buffer => {
  const hex = id.replaceAll('-', '');
  if (!/^[0-9a-f]{32}$/.test(hex)) throw new Error(`not a lowercase UUID: ${id}`);
  return Buffer.from(hex, 'hex');
};

const uuidOf = (bytes: Buffer): string => {
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
};

/** A new random content key. */
export const newContentKey = (): Buffer => randomBytes(KEY_BYTES);

/**
 * The short public id of a KEK: which KEK wrapped a content key, without revealing anything about
 * it (b64url of the first 12 bytes of SHA-256 over a domain-separated input).
 */
export function kekIdOf(kek: Buffer): string {
  return createHash('sha256')
    .update('ai-la/kek\n')
    .update(kek)
    .digest()
    .subarray(0, 12)
    .toString('base64url');
}

function wrapAad(keyId: string, ownerType: string, ownerId: string): Buffer {
  return Buffer.from(`${WRAP_AAD}\n${keyId}\n${ownerType}\n${ownerId}`, 'utf8');
}

/** Wraps a content key under the KEK (AES-256-GCM, fresh nonce). */
export function wrapKey(kek: Buffer, key: Buffer, keyId: string, ownerType: string, ownerId: string): Buffer {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', kek, nonce);
  cipher.setAAD(wrapAad(keyId, ownerType, ownerId));
  const body = Buffer.concat([cipher.update(key), cipher.final()]);
  return Buffer.concat([nonce, body, cipher.getAuthTag()]);
}

/** Unwraps a content key; throws SealedFormatError when the KEK is wrong or the row was altered. */
export function unwrapKey(
  kek: Buffer,
  wrapped: Buffer,
  keyId: string,
  ownerType: string,
  ownerId: string,
): Buffer {
  if (wrapped.length !== NONCE_BYTES + KEY_BYTES + TAG_BYTES)
    throw new SealedFormatError('wrapped key has the wrong length');
  const decipher = createDecipheriv('aes-256-gcm', kek, wrapped.subarray(0, NONCE_BYTES));
  decipher.setAAD(wrapAad(keyId, ownerType, ownerId));
  decipher.setAuthTag(wrapped.subarray(NONCE_BYTES + KEY_BYTES));
  try {
    return Buffer.concat([
      decipher.update(wrapped.subarray(NONCE_BYTES, NONCE_BYTES + KEY_BYTES)),
      decipher.final(),
    ]);
  } catch {
    throw new SealedFormatError('wrapped key does not verify under this key-encryption key');
  }
}

/** RFC 5869 HKDF-SHA256 of both owner keys, bound to the header's version and key ids. */
function itemKey(user: ContentKey, team: ContentKey | undefined, header: Buffer): Buffer {
  const ikm = team ? Buffer.concat([user.key, team.key]) : user.key;
  const info = Buffer.concat([ITEM_INFO, header.subarray(0, 1 + 2 * ID_BYTES)]);
  return Buffer.from(hkdfSync('sha256', ikm, Buffer.alloc(0), info, KEY_BYTES));
}

/** Seals `plaintext` under the user's key and, when given, the team's key. */
export function seal(user: ContentKey, team: ContentKey | undefined, plaintext: Buffer): Buffer {
  const header = Buffer.concat([
    Buffer.from([SEALED_VERSION]),
    uuidBytes(user.id),
    team ? uuidBytes(team.id) : NO_TEAM,
    randomBytes(NONCE_BYTES),
  ]);
  const cipher = createCipheriv(
    'aes-256-gcm',
    itemKey(user, team, header),
    header.subarray(1 + 2 * ID_BYTES),
  );
  cipher.setAAD(header);
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([header, body, cipher.getAuthTag()]);
}

/** The key ids a sealed value needs (read from its header). */
export function sealedKeyIds(sealed: Buffer): { userKeyId: string; teamKeyId: string | null } {
  if (sealed.length < HEADER_BYTES + TAG_BYTES || sealed[0] !== SEALED_VERSION)
    throw new SealedFormatError('not a sealed content value');
  const team = sealed.subarray(1 + ID_BYTES, 1 + 2 * ID_BYTES);
  return {
    userKeyId: uuidOf(sealed.subarray(1, 1 + ID_BYTES)),
    teamKeyId: team.equals(NO_TEAM) ? null : uuidOf(team),
  };
}

/** Opens a sealed value with the keys its header names; throws SealedFormatError if altered. */
export function open(user: ContentKey, team: ContentKey | undefined, sealed: Buffer): Buffer {
  const ids = sealedKeyIds(sealed);
  if (ids.userKeyId !== user.id || ids.teamKeyId !== (team?.id ?? null))
    throw new SealedFormatError('sealed value belongs to other keys');
  const header = sealed.subarray(0, HEADER_BYTES);
  const decipher = createDecipheriv(
    'aes-256-gcm',
    itemKey(user, team, header),
    header.subarray(1 + 2 * ID_BYTES),
  );
  decipher.setAAD(header);
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
  try {
    return Buffer.concat([
      decipher.update(sealed.subarray(HEADER_BYTES, sealed.length - TAG_BYTES)),
      decipher.final(),
    ]);
  } catch {
    throw new SealedFormatError('sealed value does not verify (altered, or the wrong keys)');
  }
}
