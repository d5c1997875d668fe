/**
 * c2sp.org/signed-note v1.0.0 with Ed25519 keys (signature type 0x01),
 * byte-compatible with golang.org/x/mod/sumdb/note (EVIDENCE.md §2.1).
 */
import { createHash } from 'node:crypto';
import { b64Decode, b64Encode, EncodingError } from './encoding.js';
import { hasLoneSurrogate } from './jcs.js';
import {
  ED25519_PUBLIC_KEY_LENGTH,
  ED25519_SEED_LENGTH,
  type Ed25519Signer,
  keyPairFromSeed,
  verify,
} from './keys.js';

/** signed-note signature type byte for Ed25519. */
export const NOTE_ALG_ED25519 = 0x01;
/** Em dash and space that start every signature line. */
const SIG_PREFIX = '\u2014 ';
/** Like Go's note.Open, refuse to work through more signature lines than this. */
const MAX_SIGNATURES = 100;

/** Why a note was rejected. */
export type NoteErrorCode = 'malformed' | 'invalid_signature' | 'unverified' | 'ambiguous_key' | 'bad_key';

/** Error thrown by note functions; `code` tells the cases apart. */
export class NoteError extends Error {
  override readonly name = 'NoteError';
  readonly code: NoteErrorCode;

  constructor(code: NoteErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

/** A known Ed25519 note key. */
export interface NoteVerifier {
  name: string;
  /** uint32 key id. */
  keyId: number;
  /** Raw 32-byte Ed25519 public key. */
  publicKey: Buffer;
}

/** A signature line found in a note. */
export interface NoteSignature {
  name: string;
  keyId: number;
  /** b64 of key id || signature, as in the note. */
  base64: string;
}

/** Result of `openNote`. */
export interface OpenedNote {
  /** Note text including its final newline. */
  text: string;
  /** Signatures by known keys, all verified. */
  signatures: NoteSignature[];
  /** Signatures by keys not in the verifier list (ignored, per the spec). */
  unverified: NoteSignature[];
}

/** signed-note: key names are non-empty, without Unicode spaces or `+`. */
export function isValidKeyName(name: string): boolean {
  return name !== '' && !hasLoneSurrogate(name) && !/[\p{White_Space}+]/u.test(name);
}

/** Key id = first 4 bytes (big-endian) of SHA-256(name || 0x0A || 0x01 || public key). */
export function noteKeyId(name: string, publicKey: Uint8Array): number {
  const digest = createHash('sha256')
    .update(Buffer.from(name, 'utf8'))
    .update(Buffer.from([0x0a, NOTE_ALG_ED25519]))
    .update(publicKey)
    .digest();
  return digest.readUInt32BE(0);
}

const hex8 = (keyId: number): string => keyId.toString(16).padStart(8, '0');

/** Verifier key string `<name>+<8 lowercase hex key id>+<b64(0x01 || pubkey)>` (EVIDENCE.md §2.1). */
export function formatVerifierKey(name: string, publicKey: Uint8Array): string {
  if (!isValidKeyName(name)) throw new NoteError('bad_key', `invalid key name ${JSON.stringify(name)}`);
  if (publicKey.length !== ED25519_PUBLIC_KEY_LENGTH)
    throw new NoteError('bad_key', 'public key must be 32 bytes');
  const key = Buffer.concat([Buffer.from([NOTE_ALG_ED25519]), publicKey]);
  return `${name}+${hex8(noteKeyId(name, publicKey))}+${b64Encode(key)}`;
}

/** Splits `<name>+<hex8>+<b64>` (the name cannot contain `+`; the base64 may). */
function splitKey(text: string): [string, string, string] {
  const i = text.indexOf('+');
  const j = i < 0 ? -1 : text.indexOf('+', i + 1);
  if (i < 0 || j < 0) throw new NoteError('bad_key', 'malformed key string');
  return [text.slice(0, i), text.slice(i + 1, j), text.slice(j + 1)];
}

function decodeKeyParts(name: string, id: string, b64: string, len: number): { keyId: number; key: Buffer } {
  if (!isValidKeyName(name) || !/^[0-9a-f]{8}$/.test(id))
    throw new NoteError('bad_key', 'malformed key string');
  let raw: Buffer;
  try {
    raw = b64Decode(b64);
  } catch {
    throw new NoteError('bad_key', 'malformed key string');
  }
  if (raw[0] !== NOTE_ALG_ED25519) throw new NoteError('bad_key', 'unsupported signature algorithm');
  if (raw.length !== 1 + len) throw new NoteError('bad_key', 'malformed key string');
  return { keyId: Number.parseInt(id, 16), key: raw.subarray(1) };
}

/**
 * Parses and checks a verifier key string as Go's note.NewVerifier does; the
 * key id must match the name and key. Stricter than Go in two ways: the key id
 * must be 8 lowercase hex digits (EVIDENCE.md §2.1) and the base64 canonical.
 * @throws NoteError with code `bad_key`.
 */
export function parseVerifierKey(vkey: string): NoteVerifier {
  const [name, id, b64] = splitKey(vkey);
  const { keyId, key } = decodeKeyParts(name, id, b64, ED25519_PUBLIC_KEY_LENGTH);
  if (noteKeyId(name, key) !== keyId) throw new NoteError('bad_key', 'key id does not match name and key');
  return { name, keyId, publicKey: Buffer.from(key) };
}

/** Builds the verifier for `name` and a raw public key. */
export function noteVerifier(name: string, publicKey: Uint8Array): NoteVerifier {
  return parseVerifierKey(formatVerifierKey(name, publicKey));
}

/**
 * Signer key string `PRIVATE+KEY+<name>+<hex8>+<b64(0x01 || seed)>` as written
 * by Go's note.GenerateKey, for interoperability with its tooling.
 */
export function formatSignerKey(name: string, seed: Uint8Array): string {
  if (!isValidKeyName(name)) throw new NoteError('bad_key', `invalid key name ${JSON.stringify(name)}`);
  const pub = keyPairFromSeed(seed).publicKeyRaw;
  const key = Buffer.concat([Buffer.from([NOTE_ALG_ED25519]), seed]);
  return `PRIVATE+KEY+${name}+${hex8(noteKeyId(name, pub))}+${b64Encode(key)}`;
}

/** Parses a Go note signer key; returns the name and the 32-byte Ed25519 seed. */
export function parseSignerKey(skey: string): { name: string; keyId: number; seed: Buffer } {
  if (!skey.startsWith('PRIVATE+KEY+')) throw new NoteError('bad_key', 'malformed signer key');
  const [name, id, b64] = splitKey(skey.slice('PRIVATE+KEY+'.length));
  const { keyId, key } = decodeKeyParts(name, id, b64, ED25519_SEED_LENGTH);
  if (noteKeyId(name, keyPairFromSeed(key).publicKeyRaw) !== keyId) {
    throw new NoteError('bad_key', 'key id does not match name and key');
  }
  return { name, keyId, seed: Buffer.from(key) };
}

/** signed-note: valid UTF-8 without ASCII control characters other than newline. */
function checkNoteChars(text: string): void {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
  if (hasLoneSurrogate(text) || /[\u0000-\u0009\u000b-\u001f]/.test(text)) {
    throw new NoteError('malformed', 'note contains invalid UTF-8 or control characters');
  }
}

/**
 * Signs note text (which must end with a newline) and returns the signed note:
 * text, blank line, `— <name> <b64(key id || signature)>` line. The signature
 * is checked before it is returned.
 */
export async function signNote(text: string, name: string, signer: Ed25519Signer): Promise<string> {
  if (!text.endsWith('\n')) throw new NoteError('malformed', 'note text must end with a newline');
  checkNoteChars(text);
  if (!isValidKeyName(name)) throw new NoteError('bad_key', `invalid key name ${JSON.stringify(name)}`);
  const data = Buffer.from(text, 'utf8');
  const sig = await signer.sign(data);
  if (!verify(signer.publicKey, data, sig))
    throw new NoteError('invalid_signature', 'signer returned a bad signature');
  const id = Buffer.alloc(4);
  id.writeUInt32BE(noteKeyId(name, signer.publicKey));
  return `${text}\n${SIG_PREFIX}${name} ${b64Encode(Buffer.concat([id, sig]))}\n`;
}

function decodeNote(note: string | Uint8Array): string {
  if (typeof note === 'string') return note;
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(note);
  } catch {
    throw new NoteError('malformed', 'note is not valid UTF-8');
  }
}

/**
 * Opens a signed note as Go's note.Open does: signatures by unknown keys are
 * ignored, every signature by a known key must verify, and at least one must.
 * @throws NoteError `malformed`, `invalid_signature`, `ambiguous_key` or `unverified`.
 */
export function openNote(note: string | Uint8Array, verifiers: readonly NoteVerifier[]): OpenedNote {
  const msg = decodeNote(note);
  checkNoteChars(msg);
  // The text is separated from the signatures by the last empty line.
  const split = msg.lastIndexOf('\n\n');
  if (split < 0) throw new NoteError('malformed', 'note has no signature block');
  const text = msg.slice(0, split + 1);
  const sigBlock = msg.slice(split + 2);
  if (sigBlock === '' || !sigBlock.endsWith('\n'))
    throw new NoteError('malformed', 'malformed signature block');

  const lines = sigBlock.slice(0, -1).split('\n');
  if (lines.length > MAX_SIGNATURES) throw new NoteError('malformed', 'too many signatures');
  const data = Buffer.from(text, 'utf8');
  const signatures: NoteSignature[] = [];
  const unverified: NoteSignature[] = [];
  const seen = new Set<string>();
  const seenUnverified = new Set<string>();
  for (const line of lines) {
    if (!line.startsWith(SIG_PREFIX)) throw new NoteError('malformed', 'malformed signature line');
    const rest = line.slice(SIG_PREFIX.length);
    const space = rest.indexOf(' ');
    const name = space < 0 ? rest : rest.slice(0, space);
    const base64 = space < 0 ? '' : rest.slice(space + 1);
    let raw: Buffer;
    try {
      raw = b64Decode(base64);
    } catch (err) {
      if (!(err instanceof EncodingError)) throw err;
      throw new NoteError('malformed', 'malformed signature encoding');
    }
    if (!isValidKeyName(name) || base64 === '' || raw.length < 5) {
      throw new NoteError('malformed', 'malformed signature line');
    }
    const keyId = raw.readUInt32BE(0);
    const matches = verifiers.filter((v) => v.name === name && v.keyId === keyId);
    if (matches.length === 0) {
      if (!seenUnverified.has(rest)) unverified.push({ name, keyId, base64 });
      seenUnverified.add(rest);
      continue;
    }
    if (matches.length > 1) throw new NoteError('ambiguous_key', `ambiguous key ${name}+${hex8(keyId)}`);
    const tag = `${name}+${keyId}`;
    // Repeated signatures by one key are dropped, as in Go's note.Open.
    if (seen.has(tag)) continue;
    seen.add(tag);
    if (!verify((matches[0] as NoteVerifier).publicKey, data, raw.subarray(4))) {
      throw new NoteError('invalid_signature', `invalid signature for key ${name}+${hex8(keyId)}`);
    }
    signatures.push({ name, keyId, base64 });
  }
  if (signatures.length === 0) throw new NoteError('unverified', 'note has no verifiable signatures');
  return { text, signatures, unverified };
}
