/**
 * c2sp.org/signed-note with Ed25519 keys and c2sp.org/tlog-checkpoint (EVIDENCE.md §2.1), verified
 * in the browser: key id = first 4 bytes of SHA-256(name || 0x0A || 0x01 || public key); the
 * signature covers the note text up to and including the newline after the root line.
 */
import { Base64Error, b64Decode, bytesEqual, utf8 } from './base64.js';
import { ED25519_PUBLIC_KEY_LENGTH, ed25519Verify, sha256 } from './crypto.js';

const ALG_ED25519 = 0x01;
const SIG_PREFIX = '\u2014 ';

/** Thrown for a malformed key, note or checkpoint. */
export class NoteFormatError extends Error {
  override readonly name = 'NoteFormatError';
}

/** A parsed verifier key `<name>+<8 hex key id>+<b64(0x01 || pubkey)>`. */
export interface VerifierKey {
  name: string;
  keyId: number;
  publicKey: Uint8Array;
}

/** A checkpoint body: origin, tree size and root hash. */
export interface Checkpoint {
  origin: string;
  size: number;
  rootHash: Uint8Array;
}

/** One signature line of a note. */
export interface NoteSignature {
  name: string;
  keyId: number;
  signature: Uint8Array;
}

/** A note split into its signed text and its signature lines. */
export interface SignedNote {
  text: string;
  signatures: NoteSignature[];
}

const validName = (name: string) => name !== '' && !/[\s+]/u.test(name);

/** The signed-note key id of an Ed25519 key. */
export async function noteKeyId(name: string, publicKey: Uint8Array): Promise<number> {
  const digest = await sha256(utf8(name), new Uint8Array([0x0a, ALG_ED25519]), publicKey);
  return new DataView(digest.buffer, digest.byteOffset, 4).getUint32(0);
}

/** Parses a verifier key string and checks that its key id matches its name and key. */
export async function parseVerifierKey(vkey: string): Promise<VerifierKey> {
  const first = vkey.indexOf('+');
  const second = first < 0 ? -1 : vkey.indexOf('+', first + 1);
  if (second < 0) throw new NoteFormatError('malformed verifier key');
  const name = vkey.slice(0, first);
  const idHex = vkey.slice(first + 1, second);
  if (!validName(name) || !/^[0-9a-f]{8}$/.test(idHex)) throw new NoteFormatError('malformed verifier key');
  let raw: Uint8Array;
  try {
    raw = b64Decode(vkey.slice(second + 1));
  } catch (err) {
    if (err instanceof Base64Error) throw new NoteFormatError('malformed verifier key');
    throw err;
  }
  if (raw[0] !== ALG_ED25519 || raw.length !== 1 + ED25519_PUBLIC_KEY_LENGTH) {
    throw new NoteFormatError('verifier key is not an Ed25519 key');
  }
  const publicKey = raw.slice(1);
  const keyId = Number.parseInt(idHex, 16);
  if ((await noteKeyId(name, publicKey)) !== keyId) {
    throw new NoteFormatError('verifier key id does not match its name and key');
  }
  return { name, keyId, publicKey };
}

/** Splits a signed note at its last blank line into text and signature lines. */
export function parseSignedNote(note: string): SignedNote {
  const split = note.lastIndexOf('\n\n');
  if (split < 0) throw new NoteFormatError('the note has no signature block');
  const text = note.slice(0, split + 1);
  const block = note.slice(split + 2);
  if (block === '' || !block.endsWith('\n')) throw new NoteFormatError('malformed signature block');
  const signatures = block
    .slice(0, -1)
    .split('\n')
    .map((line) => {
      if (!line.startsWith(SIG_PREFIX)) throw new NoteFormatError('malformed signature line');
      const [name = '', encoded = '', ...rest] = line.slice(SIG_PREFIX.length).split(' ');
      let raw: Uint8Array;
      try {
        raw = b64Decode(encoded);
      } catch {
        throw new NoteFormatError('malformed signature encoding');
      }
      if (rest.length > 0 || !validName(name) || raw.length < 5) {
        throw new NoteFormatError('malformed signature line');
      }
      const keyId = new DataView(raw.buffer, raw.byteOffset, 4).getUint32(0);
      return { name, keyId, signature: raw.slice(4) };
    });
  return { text, signatures };
}

/** Parses checkpoint text `<origin>\n<size>\n<b64 root>\n[extensions]`. */
export function parseCheckpoint(text: string): Checkpoint {
  if (!text.endsWith('\n')) throw new NoteFormatError('checkpoint text must end with a newline');
  const [origin = '', sizeText = '', rootText = ''] = text.slice(0, -1).split('\n');
  if (origin === '' || !/^(0|[1-9][0-9]*)$/.test(sizeText)) throw new NoteFormatError('malformed checkpoint');
  const size = Number(sizeText);
  if (!Number.isSafeInteger(size)) throw new NoteFormatError('checkpoint size is too large');
  let rootHash: Uint8Array;
  try {
    rootHash = b64Decode(rootText);
  } catch {
    throw new NoteFormatError('checkpoint root hash is not base64');
  }
  if (rootHash.length !== 32) throw new NoteFormatError('checkpoint root hash is not 32 bytes');
  return { origin, size, rootHash };
}

/** A checkpoint whose signature by the given key was checked. */
export interface VerifiedCheckpoint {
  checkpoint: Checkpoint;
  /** True when a signature line of the key verifies over the checkpoint text. */
  signatureValid: boolean;
  /** False when no signature line names the key at all. */
  signedByKey: boolean;
}

/** Verifies a signed checkpoint note against a verifier key string (from `/api/v1/tecp/vkeys`). */
export async function verifyCheckpoint(note: string, vkey: string): Promise<VerifiedCheckpoint> {
  const key = await parseVerifierKey(vkey);
  const { text, signatures } = parseSignedNote(note);
  const checkpoint = parseCheckpoint(text);
  const mine = signatures.filter((s) => s.name === key.name && s.keyId === key.keyId);
  let signatureValid = mine.length > 0;
  for (const s of mine) {
    if (!(await ed25519Verify(key.publicKey, s.signature, utf8(text)))) signatureValid = false;
  }
  return { checkpoint, signatureValid, signedByKey: mine.length > 0 };
}

/** True when two checkpoints describe the same tree. */
export const sameTree = (a: Checkpoint, b: Checkpoint): boolean =>
  a.origin === b.origin && a.size === b.size && bytesEqual(a.rootHash, b.rootHash);
