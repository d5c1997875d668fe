/**
 * c2sp.org/tlog-checkpoint v1.0.0: the signed tree head of a log, a signed
 * note whose text is `<origin>\n<size>\n<b64 root hash>\n` (EVIDENCE.md §2.1).
 */
import { b64DecodeExact, b64Encode } from './encoding.js';
import { hasLoneSurrogate } from './jcs.js';
import type { Ed25519Signer } from './keys.js';
import { HASH_SIZE } from './merkle.js';
import { NoteError, type NoteVerifier, type OpenedNote, openNote, signNote } from './note.js';

/** A parsed checkpoint body. */
export interface Checkpoint {
  origin: string;
  /** Number of leaves. */
  size: number;
  /** RFC 9162 root hash of the first `size` leaves. */
  rootHash: Buffer;
  /** Optional opaque extension lines (the appliance never writes any). */
  extensions?: string[];
}

/** A checkpoint together with the opened note it came from. */
export interface OpenedCheckpoint {
  checkpoint: Checkpoint;
  note: OpenedNote;
}

const DECIMAL_RE = /^(0|[1-9][0-9]*)$/;

function checkLine(line: string, what: string): void {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are not allowed in notes
  if (line === '' || /[\u0000-\u001f]/.test(line) || hasLoneSurrogate(line)) {
    throw new NoteError('malformed', `checkpoint ${what} must be a non-empty line of text`);
  }
}

/** Formats the checkpoint note text (what the log signs). */
export function formatCheckpoint(cp: Checkpoint): string {
  checkLine(cp.origin, 'origin');
  if (!Number.isSafeInteger(cp.size) || cp.size < 0)
    throw new NoteError('malformed', 'checkpoint size is invalid');
  if (cp.rootHash.length !== HASH_SIZE)
    throw new NoteError('malformed', 'checkpoint root hash must be 32 bytes');
  const ext = cp.extensions ?? [];
  for (const line of ext) checkLine(line, 'extension line');
  return [cp.origin, String(cp.size), b64Encode(cp.rootHash), ...ext].map((l) => `${l}\n`).join('');
}

/**
 * Parses checkpoint note text strictly: at least three non-empty lines, each
 * ending in a newline; size in decimal without leading zeros (`0` for the empty
 * tree); root hash padded base64 of exactly 32 bytes.
 * @throws NoteError with code `malformed`.
 */
export function parseCheckpoint(text: string): Checkpoint {
  if (!text.endsWith('\n')) throw new NoteError('malformed', 'checkpoint text must end with a newline');
  const lines = text.slice(0, -1).split('\n');
  if (lines.length < 3) throw new NoteError('malformed', 'checkpoint needs origin, size and root hash lines');
  lines.forEach((line, i) => {
    checkLine(line, i === 0 ? 'origin' : i < 3 ? 'line' : 'extension line');
  });
  const [origin, sizeText, rootText, ...extensions] = lines as [string, string, string, ...string[]];
  if (!DECIMAL_RE.test(sizeText))
    throw new NoteError('malformed', 'checkpoint size must be decimal without leading zeros');
  const size = Number(sizeText);
  if (!Number.isSafeInteger(size)) throw new NoteError('malformed', 'checkpoint size is too large');
  let rootHash: Buffer;
  try {
    rootHash = b64DecodeExact(rootText, HASH_SIZE);
  } catch {
    throw new NoteError('malformed', 'checkpoint root hash must be base64 of 32 bytes');
  }
  return extensions.length > 0 ? { origin, size, rootHash, extensions } : { origin, size, rootHash };
}

/** Signs a checkpoint; the key name defaults to the origin (EVIDENCE.md §2.1). */
export async function signCheckpoint(
  cp: Checkpoint,
  signer: Ed25519Signer,
  keyName = cp.origin,
): Promise<string> {
  return signNote(formatCheckpoint(cp), keyName, signer);
}

/**
 * Opens a signed checkpoint: verifies the note with `verifiers`, parses the
 * text and, when `origin` is given, checks it.
 * @throws NoteError when the note or checkpoint is invalid or the origin differs.
 */
export function openCheckpoint(
  note: string | Uint8Array,
  verifiers: readonly NoteVerifier[],
  origin?: string,
): OpenedCheckpoint {
  const opened = openNote(note, verifiers);
  const checkpoint = parseCheckpoint(opened.text);
  if (origin !== undefined && checkpoint.origin !== origin) {
    throw new NoteError(
      'malformed',
      `checkpoint origin ${JSON.stringify(checkpoint.origin)} is not ${JSON.stringify(origin)}`,
    );
  }
  return { checkpoint, note: opened };
}
