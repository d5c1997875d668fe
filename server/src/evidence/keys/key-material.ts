/**
 * Ed25519 private key files (EVIDENCE.md §5): what a mounted Kubernetes Secret, a Vault Agent template
 * or the development generator may hold, reduced to the 32-byte RFC 8032 seed.
 */
import { chmod, link, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import {
  ED25519_SEED_LENGTH,
  generateKeyPair,
  keyPairFromSeed,
  parseSignerKey,
  privateKeyFromPem,
  privateKeyToPem,
  seedOf,
} from '../core/index.js';

/**
 * Reads a seed from key file bytes: PKCS#8 PEM (`openssl genpkey -algorithm ed25519`), a Go note
 * signer key (`PRIVATE+KEY+<name>+<id>+<b64>`), 64 hex digits, base64 of 32 bytes, or the raw 32 bytes.
 * @throws Error naming the file when none of these fits.
 */
export function parseSeed(bytes: Buffer, file: string): Buffer {
  const text = bytes.toString('utf8').trim();
  if (text.includes('-----BEGIN')) {
    if (!text.includes('-----BEGIN PRIVATE KEY-----')) {
      throw new Error(`${file}: expected an unencrypted PKCS#8 PEM (BEGIN PRIVATE KEY)`);
    }
    return seedOf(privateKeyFromPem(text));
  }
  if (text.startsWith('PRIVATE+KEY+')) return parseSignerKey(text).seed;
  if (/^[0-9a-fA-F]{64}$/.test(text)) return Buffer.from(text, 'hex');
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(text)) {
    const seed = Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (seed.length === ED25519_SEED_LENGTH) return seed;
  }
  if (bytes.length === ED25519_SEED_LENGTH) return Buffer.from(bytes);
  throw new Error(
    `${file}: not an Ed25519 private key (PKCS#8 PEM, note signer key, hex, base64 or raw seed)`,
  );
}

/** Reads the seed in a key file. */
export async function readSeed(file: string): Promise<Buffer> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (err) {
    throw new Error(`cannot read signing key file ${file}: ${(err as Error).message}`);
  }
  return parseSeed(bytes, file);
}

/** PKCS#8 PEM of a seed, as the generator writes it. */
export const seedToPem = (seed: Buffer): string => privateKeyToPem(keyPairFromSeed(seed).privateKey);

async function writePrivate(path: string, seed: Buffer): Promise<string> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
  await writeFile(tmp, seedToPem(seed), { mode: 0o600, flag: 'wx' });
  await chmod(tmp, 0o600);
  return tmp;
}

async function readIfExists(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`cannot read signing key file ${path}: ${(err as Error).message}`);
  }
}

/**
 * The seed in `path`, generating a new key there first when the file does not exist. Creation is
 * atomic (hard link of a complete temporary file), so replicas sharing the directory agree on one key.
 */
export async function readOrCreateSeed(path: string): Promise<Buffer> {
  const existing = await readIfExists(path);
  if (existing !== undefined) return parseSeed(existing, path);
  const tmp = await writePrivate(path, seedOf(generateKeyPair().privateKey));
  try {
    await link(tmp, path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    await rm(tmp, { force: true });
  }
  return readSeed(path);
}

/** Replaces the key in `path` with a new one (atomic rename) and returns the new seed. */
export async function replaceSeed(path: string): Promise<Buffer> {
  const seed = seedOf(generateKeyPair().privateKey);
  const tmp = await writePrivate(path, seed);
  await rename(tmp, path);
  return seed;
}
