/**
 * Ed25519 (RFC 8032) key helpers on top of `node:crypto`.
 *
 * Evidence formats carry raw 32-byte public keys; Node works with KeyObjects
 * and DER, so this module converts between the two with the fixed RFC 8410
 * DER prefixes for Ed25519 (no ASN.1 parsing needed for these fixed layouts).
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  sign as cryptoSign,
  verify as cryptoVerify,
  type KeyObject,
  randomBytes,
} from 'node:crypto';
import { b64urlEncode } from './encoding.js';

/** RFC 8410 §7 PKCS#8 PrivateKeyInfo prefix for Ed25519; the 32-byte seed follows. */
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
/** RFC 8410 §4 SubjectPublicKeyInfo prefix for Ed25519; the 32-byte key follows. */
const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** Length in bytes of an Ed25519 seed, public key and signature (RFC 8032 §5.1). */
export const ED25519_SEED_LENGTH = 32;
export const ED25519_PUBLIC_KEY_LENGTH = 32;
export const ED25519_SIGNATURE_LENGTH = 64;

/**
 * Anything that can produce Ed25519 signatures for one public key: a local key,
 * or a remote service such as Vault Transit that never reveals the private key.
 */
export interface Ed25519Signer {
  /** Raw 32-byte Ed25519 public key. */
  readonly publicKey: Buffer;
  /** Returns the 64-byte RFC 8032 signature of `data`. */
  sign(data: Buffer): Promise<Buffer>;
}

/** An Ed25519 key pair held in process memory. */
export interface Ed25519KeyPair {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  /** Raw 32-byte public key. */
  readonly publicKeyRaw: Buffer;
}

function assertEd25519(key: KeyObject, type: 'private' | 'public'): void {
  if (key.type !== type || key.asymmetricKeyType !== 'ed25519') {
    throw new Error(`expected an Ed25519 ${type} key, got ${key.asymmetricKeyType ?? key.type}`);
  }
}

/** Builds a key pair from a 32-byte RFC 8032 seed (the "private key" of RFC 8032 §5.1.5). */
export function keyPairFromSeed(seed: Uint8Array): Ed25519KeyPair {
  if (seed.length !== ED25519_SEED_LENGTH) {
    throw new Error(`Ed25519 seed must be ${ED25519_SEED_LENGTH} bytes, got ${seed.length}`);
  }
  const der = Buffer.concat([PKCS8_ED25519_PREFIX, seed]);
  const privateKey = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  return keyPairFromPrivateKey(privateKey);
}

/** Builds a key pair from an Ed25519 private KeyObject. */
export function keyPairFromPrivateKey(privateKey: KeyObject): Ed25519KeyPair {
  assertEd25519(privateKey, 'private');
  const publicKey = createPublicKey(privateKey);
  return { privateKey, publicKey, publicKeyRaw: rawPublicKey(publicKey) };
}

/** Generates a fresh key pair from 32 random bytes. */
export function generateKeyPair(): Ed25519KeyPair {
  return keyPairFromSeed(randomBytes(ED25519_SEED_LENGTH));
}

/** Returns the 32-byte seed of an Ed25519 private key (for storage in a secret store). */
export function seedOf(privateKey: KeyObject): Buffer {
  assertEd25519(privateKey, 'private');
  const der = privateKey.export({ format: 'der', type: 'pkcs8' });
  if (der.length !== PKCS8_ED25519_PREFIX.length + ED25519_SEED_LENGTH) {
    throw new Error('unexpected Ed25519 PKCS#8 encoding');
  }
  return Buffer.from(der.subarray(PKCS8_ED25519_PREFIX.length));
}

/** Exports the raw 32-byte public key (RFC 8032 §5.1.2 encoding). */
export function rawPublicKey(publicKey: KeyObject): Buffer {
  assertEd25519(publicKey, 'public');
  const der = publicKey.export({ format: 'der', type: 'spki' });
  if (der.length !== SPKI_ED25519_PREFIX.length + ED25519_PUBLIC_KEY_LENGTH) {
    throw new Error('unexpected Ed25519 SPKI encoding');
  }
  return Buffer.from(der.subarray(SPKI_ED25519_PREFIX.length));
}

/** Imports a raw 32-byte Ed25519 public key. */
export function publicKeyFromRaw(raw: Uint8Array): KeyObject {
  if (raw.length !== ED25519_PUBLIC_KEY_LENGTH) {
    throw new Error(`Ed25519 public key must be ${ED25519_PUBLIC_KEY_LENGTH} bytes, got ${raw.length}`);
  }
  return createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, raw]), format: 'der', type: 'spki' });
}

/** Signs `data` with an Ed25519 private key (pure Ed25519, RFC 8032 §5.1.6). */
export function sign(privateKey: KeyObject, data: Uint8Array): Buffer {
  assertEd25519(privateKey, 'private');
  return cryptoSign(null, data, privateKey);
}

/**
 * Imported raw public keys, most recent last: importing costs about as much as a verification, and
 * evidence is verified in long runs under few keys (a bundle's receipts, a log's checkpoints).
 */
const importedKeys = new Map<string, KeyObject>();
const MAX_IMPORTED_KEYS = 64;

function importedKey(raw: Uint8Array): KeyObject {
  const id = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('base64');
  let key = importedKeys.get(id);
  if (key === undefined) {
    key = publicKeyFromRaw(raw);
    if (importedKeys.size >= MAX_IMPORTED_KEYS)
      importedKeys.delete(importedKeys.keys().next().value as string);
    importedKeys.set(id, key);
  }
  return key;
}

/**
 * Verifies an Ed25519 signature (RFC 8032 §5.1.7). Returns false, never throws,
 * for malformed keys or signatures.
 */
export function verify(publicKey: KeyObject | Uint8Array, data: Uint8Array, signature: Uint8Array): boolean {
  if (signature.length !== ED25519_SIGNATURE_LENGTH) return false;
  try {
    const key = publicKey instanceof Uint8Array ? importedKey(publicKey) : publicKey;
    if (key.type !== 'public' || key.asymmetricKeyType !== 'ed25519') return false;
    return cryptoVerify(null, data, key, signature);
  } catch {
    return false;
  }
}

/** Key id per EVIDENCE.md §1: b64url(SHA-256(raw 32-byte public key)). */
export function kidOf(rawPub: Uint8Array): string {
  if (rawPub.length !== ED25519_PUBLIC_KEY_LENGTH) {
    throw new Error(`Ed25519 public key must be ${ED25519_PUBLIC_KEY_LENGTH} bytes, got ${rawPub.length}`);
  }
  return b64urlEncode(createHash('sha256').update(rawPub).digest());
}

/** A signer backed by an in-memory key pair. */
export function localSigner(keyPair: Ed25519KeyPair): Ed25519Signer {
  return {
    publicKey: keyPair.publicKeyRaw,
    sign: async (data) => sign(keyPair.privateKey, data),
  };
}

/** Exports a private key as PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`). */
export function privateKeyToPem(privateKey: KeyObject): string {
  assertEd25519(privateKey, 'private');
  return privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
}

/** Imports an unencrypted PKCS#8 PEM Ed25519 private key. */
export function privateKeyFromPem(pem: string): KeyObject {
  const key = createPrivateKey({ key: pem, format: 'pem' });
  assertEd25519(key, 'private');
  return key;
}

/** Exports a public key as SPKI PEM (`-----BEGIN PUBLIC KEY-----`). */
export function publicKeyToPem(publicKey: KeyObject): string {
  assertEd25519(publicKey, 'public');
  return publicKey.export({ format: 'pem', type: 'spki' }).toString();
}

/** Imports an SPKI PEM Ed25519 public key. */
export function publicKeyFromPem(pem: string): KeyObject {
  if (!pem.includes('-----BEGIN PUBLIC KEY-----')) {
    // createPublicKey would also derive a public key from a private PEM; refuse that ambiguity.
    throw new Error('expected an SPKI PEM public key');
  }
  const key = createPublicKey({ key: pem, format: 'pem' });
  assertEd25519(key, 'public');
  return key;
}
