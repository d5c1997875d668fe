/**
 * The `signing_keys` table: public keys with their validity windows (EVIDENCE.md §5), and the JWKS and
 * verifier views of them.
 */
import type { Db } from '../../platform/db/knex.js';
import { b64urlEncode, type PinnedKey } from '../core/index.js';
import type { LogName } from '../logs.js';

/** What a key signs: receipts, or the checkpoints of one log. */
export type KeyPurpose = 'receipts' | `log:${LogName}`;

/** A registered public key. */
export interface StoredKey {
  purpose: KeyPurpose;
  kid: string;
  publicKey: Buffer;
  /** First Unix ms at which the key signs. */
  nbf: number;
  /** Unix ms from which it no longer signs; null while current. */
  exp: number | null;
}

/** One key of `GET /.well-known/tecp-jwks` (EVIDENCE.md §2.3; times in Unix ms). */
export interface Jwk {
  kty: 'OKP';
  crv: 'Ed25519';
  x: string;
  kid: string;
  use: 'sig';
  nbf: number;
  exp?: number;
}

/** Clock difference between replicas tolerated by `nbf`: a key is valid from this long before it was registered. */
export const NBF_SKEW_MS = 60_000;

interface KeyRow {
  purpose: KeyPurpose;
  kid: string;
  public_key: Buffer;
  nbf: Date;
  exp: Date | null;
}

const fromRow = (r: KeyRow): StoredKey => ({
  purpose: r.purpose,
  kid: r.kid,
  publicKey: r.public_key,
  nbf: r.nbf.getTime(),
  exp: r.exp === null ? null : r.exp.getTime(),
});

/** Every registered key, or those of one purpose, oldest first. */
export async function listKeys(db: Db, purpose?: KeyPurpose): Promise<StoredKey[]> {
  const query = db<KeyRow>('signing_keys')
    .select('purpose', 'kid', 'public_key', 'nbf', 'exp')
    .orderBy([{ column: 'nbf' }, { column: 'kid' }]);
  if (purpose !== undefined) void query.where({ purpose });
  return ((await query) as KeyRow[]).map(fromRow);
}

/**
 * Registers a key as the current one of `purpose`, if it is not registered yet; then every other key
 * of that purpose still without an end gets `exp = now + graceMs` (rotation: EVIDENCE.md §5).
 * Returns whether the key was new and the kids it retired.
 */
export async function registerKey(
  db: Db,
  key: { purpose: KeyPurpose; kid: string; publicKey: Buffer },
  now: number,
  graceMs: number,
): Promise<{ created: boolean; retired: string[] }> {
  return db.transaction(async (trx) => {
    const inserted = await trx('signing_keys')
      .insert({
        purpose: key.purpose,
        kid: key.kid,
        public_key: key.publicKey,
        nbf: new Date(now - NBF_SKEW_MS),
      })
      .onConflict(['purpose', 'kid'])
      .ignore()
      .returning('kid');
    if (inserted.length === 0) return { created: false, retired: [] };
    const retired = (await trx('signing_keys')
      .where({ purpose: key.purpose })
      .whereNot({ kid: key.kid })
      .whereNull('exp')
      .update({ exp: new Date(now + graceMs) })
      .returning('kid')) as Array<{ kid: string }>;
    return { created: true, retired: retired.map((r) => r.kid) };
  });
}

/**
 * Registers an earlier version of a key with the window its source gives it (a Transit key version
 * that was superseded before this appliance first read the key), if it is not registered yet: its
 * public key must stay verifiable. Returns whether it was new.
 */
export async function registerEarlierKey(
  db: Db,
  key: { purpose: KeyPurpose; kid: string; publicKey: Buffer; nbf: number; exp: number },
): Promise<boolean> {
  const inserted = await db('signing_keys')
    .insert({
      purpose: key.purpose,
      kid: key.kid,
      public_key: key.publicKey,
      nbf: new Date(key.nbf),
      exp: new Date(key.exp),
    })
    .onConflict(['purpose', 'kid'])
    .ignore()
    .returning('kid');
  return inserted.length > 0;
}

/** JWKS entry of a receipt key. */
export function toJwk(key: StoredKey): Jwk {
  return {
    kty: 'OKP',
    crv: 'Ed25519',
    x: b64urlEncode(key.publicKey),
    kid: key.kid,
    use: 'sig',
    nbf: key.nbf,
    ...(key.exp === null ? {} : { exp: key.exp }),
  };
}

/** The pinned key set of archival receipt verification (core `verifyReceipt`). */
export function toPinnedKey(key: StoredKey): PinnedKey {
  return { publicKey: key.publicKey, nbf: key.nbf, ...(key.exp === null ? {} : { exp: key.exp }) };
}
