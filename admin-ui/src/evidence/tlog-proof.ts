/**
 * c2sp.org/tlog-proof@v1 (EVIDENCE.md §2.2): `c2sp.org/tlog-proof@v1\n[extra <b64>\n]index N\n`, the
 * proof hashes one per line, an empty line, then the checkpoint verbatim.
 */

import type { InclusionProof } from './inclusion.js';
import { NoteFormatError, parseCheckpoint, parseSignedNote } from './note.js';

export const TLOG_PROOF_HEADER = 'c2sp.org/tlog-proof@v1';

/** Parses a tlog-proof text into the JSON proof shape; the tree size comes from its checkpoint. */
export function parseTlogProof(text: string): InclusionProof {
  const lines = text.split('\n');
  let at = 0;
  const next = (): string => {
    const line = lines[at++];
    if (line === undefined || at >= lines.length) throw new NoteFormatError('the proof ends early');
    return line;
  };
  if (next() !== TLOG_PROOF_HEADER)
    throw new NoteFormatError(`the proof does not start with ${TLOG_PROOF_HEADER}`);
  let line = next();
  if (line.startsWith('extra ')) line = next();
  const match = /^index (0|[1-9][0-9]*)$/.exec(line);
  if (!match) throw new NoteFormatError('the proof has no "index N" line');
  const index = Number(match[1]);
  const hashes: string[] = [];
  for (line = next(); line !== ''; line = next()) hashes.push(line);
  const checkpoint = lines.slice(at).join('\n');
  const { size } = parseCheckpoint(parseSignedNote(checkpoint).text);
  return { index, size, hashes, checkpoint };
}
