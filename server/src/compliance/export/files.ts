/**
 * Files of an export on the exports volume: data files written once with their SHA-256 and size
 * computed while writing, and the archive written as a stream (tar members in order, gzip, hashed).
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { rename } from 'node:fs/promises';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { END_OF_ARCHIVE, fileHeader, padding } from '../bundle/tar.js';

/** SHA-256 (hex) and size of written bytes. */
export interface Digest {
  sha256: string;
  bytes: number;
}

/** A file written sequentially, hashed as it goes; `write` waits when the disk falls behind. */
export class HashingFile {
  readonly #stream: WriteStream;
  readonly #hash = createHash('sha256');
  #bytes = 0;
  #error: Error | undefined;

  constructor(readonly path: string) {
    this.#stream = createWriteStream(path, { flags: 'wx', mode: 0o640 });
    this.#stream.on('error', (err) => {
      this.#error = err;
    });
  }

  async write(data: Buffer): Promise<void> {
    if (this.#error) throw this.#error;
    if (data.length === 0) return;
    this.#hash.update(data);
    this.#bytes += data.length;
    if (!this.#stream.write(data)) {
      await new Promise<void>((resolve, reject) => {
        this.#stream.once('drain', resolve);
        this.#stream.once('error', reject);
      });
    }
  }

  /** Flushes and closes the file; returns its digest. */
  async close(): Promise<Digest> {
    if (this.#error) throw this.#error;
    await new Promise<void>((resolve, reject) => {
      this.#stream.once('error', reject);
      this.#stream.end(() => resolve());
    });
    return { sha256: this.#hash.digest('hex'), bytes: this.#bytes };
  }

  /** Closes without caring about the content (abandoned job). */
  destroy(): void {
    this.#stream.destroy();
  }
}

/** A member of the archive: in-memory bytes, or a data file of known size. */
export interface ArchiveMember {
  path: string;
  data?: Buffer;
  file?: { path: string; bytes: number };
}

export const sha256Hex = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

async function* tarStream(members: readonly ArchiveMember[], mtimeMs: number): AsyncGenerator<Buffer> {
  for (const m of members) {
    const size = m.data?.length ?? m.file?.bytes ?? 0;
    yield fileHeader(m.path, size, mtimeMs);
    if (m.data !== undefined) yield m.data;
    else if (m.file !== undefined && m.file.bytes > 0) {
      let read = 0;
      for await (const chunk of createReadStream(m.file.path, { highWaterMark: 1 << 20 })) {
        read += (chunk as Buffer).length;
        yield chunk as Buffer;
      }
      // tar wrote the size up front: a data file that changed on disk would corrupt the archive.
      if (read !== m.file.bytes) throw new Error(`${m.file.path} is ${read} bytes, expected ${m.file.bytes}`);
    }
    yield padding(size);
  }
  yield END_OF_ARCHIVE;
}

/**
 * Writes `members` as a gzip-compressed POSIX tar to `target` (via `target.partial`, renamed when
 * complete, so a crash never leaves a file that looks finished). `onBytes` sees the compressed size.
 */
export async function writeArchive(
  target: string,
  members: readonly ArchiveMember[],
  options: { gzipLevel: number; mtimeMs: number; onBytes?: (bytes: number) => void },
): Promise<Digest> {
  const hash = createHash('sha256');
  let bytes = 0;
  const count = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      bytes += chunk.length;
      options.onBytes?.(bytes);
      done(null, chunk);
    },
  });
  const partial = `${target}.partial`;
  await pipeline(
    Readable.from(tarStream(members, options.mtimeMs), { objectMode: false }),
    createGzip({ level: options.gzipLevel, chunkSize: 1 << 16 }),
    count,
    createWriteStream(partial, { flags: 'w', mode: 0o640 }),
  );
  await rename(partial, target);
  return { sha256: hash.digest('hex'), bytes };
}
