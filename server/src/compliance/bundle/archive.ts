/**
 * Reading a bundle file: gzip, then tar, then lines. Every reader opens the file afresh, so a
 * verifier can walk two members side by side (entries and their proofs) with flat memory.
 */
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { readTar, type TarEntry, TarFormatError, TruncatedArchiveError } from './tar.js';

/** gzip errors as bundle errors: an early end is a truncated archive, anything else not a bundle. */
function gzipError(err: unknown): Error {
  const code = (err as { code?: string }).code;
  if (code === 'Z_BUF_ERROR' || /unexpected end/i.test(String((err as Error).message))) {
    return new TruncatedArchiveError('the gzip stream ends early (the file is truncated)');
  }
  if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR') return err as Error;
  return new TarFormatError(`not a gzip file, or its data is corrupt: ${(err as Error).message}`);
}

async function* gunzip(path: string): AsyncGenerator<Buffer> {
  const stream = createReadStream(path, { highWaterMark: 1 << 20 }).pipe(
    createGunzip({ chunkSize: 1 << 18 }),
  );
  try {
    for await (const chunk of stream) yield chunk as Buffer;
  } catch (err) {
    throw gzipError(err);
  } finally {
    stream.destroy();
  }
}

/** The members of a .tar.gz file, in archive order. */
export function openArchive(path: string): AsyncGenerator<TarEntry> {
  return readTar(gunzip(path));
}

/** The body of the member at `memberPath`, or undefined when there is none. */
export async function* memberBody(path: string, memberPath: string): AsyncGenerator<Buffer> {
  for await (const entry of openArchive(path)) {
    if (entry.path !== memberPath) continue;
    yield* entry.body;
    return;
  }
}

/**
 * Splits a byte stream into lines (without their `\n`). The last line must end with `\n`; a final
 * fragment without it is returned with `unterminated` set.
 */
export async function* lines(
  source: AsyncIterable<Buffer>,
): AsyncGenerator<{ line: Buffer; unterminated?: true }> {
  let rest: Buffer = Buffer.alloc(0);
  for await (const chunk of source) {
    let data = rest.length === 0 ? chunk : Buffer.concat([rest, chunk]);
    let start = 0;
    for (let nl = data.indexOf(0x0a); nl >= 0; nl = data.indexOf(0x0a, start)) {
      yield { line: data.subarray(start, nl) };
      start = nl + 1;
    }
    data = data.subarray(start);
    rest = Buffer.from(data);
  }
  if (rest.length > 0) yield { line: rest, unterminated: true };
}
