/**
 * POSIX tar (IEEE Std 1003.1-2001 ustar, with pax extended headers where ustar cannot hold a value),
 * written and read as streams: a member's header carries its size, then its data in 512-byte blocks.
 * Only what bundles need: regular files (directories and global headers are skipped when read).
 */

export const BLOCK = 512;
/** ustar's 11 octal digits of size: anything from 8 GiB needs a pax `size` record. */
const USTAR_MAX_SIZE = 8 ** 11 - 1;

/** Thrown for an archive that is not a well-formed tar. */
export class TarFormatError extends Error {
  override readonly name = 'TarFormatError';
}

/** Thrown when the archive ends in the middle of a member or before its end-of-archive blocks. */
export class TruncatedArchiveError extends Error {
  override readonly name = 'TruncatedArchiveError';
}

function writeString(block: Buffer, offset: number, length: number, value: string): void {
  const bytes = Buffer.from(value, 'utf8');
  if (bytes.length > length) throw new TarFormatError(`tar field too long: ${value}`);
  bytes.copy(block, offset);
}

function writeOctal(block: Buffer, offset: number, length: number, value: number): void {
  writeString(block, offset, length, `${value.toString(8).padStart(length - 1, '0')}\0`);
}

/** Splits a path into ustar `prefix` and `name` (name at most 100 bytes, prefix at most 155). */
function splitPath(path: string): { prefix: string; name: string } | undefined {
  if (Buffer.byteLength(path) <= 100) return { prefix: '', name: path };
  for (let i = path.indexOf('/'); i >= 0; i = path.indexOf('/', i + 1)) {
    const prefix = path.slice(0, i);
    const name = path.slice(i + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(name) <= 100) return { prefix, name };
  }
  return undefined;
}

function ustarHeader(path: string, size: number, mtimeSec: number, type: '0' | 'x'): Buffer {
  const split = splitPath(path) ?? { prefix: '', name: path.slice(0, 100) };
  const block = Buffer.alloc(BLOCK);
  writeString(block, 0, 100, split.name);
  writeOctal(block, 100, 8, 0o644);
  writeOctal(block, 108, 8, 0);
  writeOctal(block, 116, 8, 0);
  writeOctal(block, 124, 12, Math.min(size, USTAR_MAX_SIZE));
  writeOctal(block, 136, 12, mtimeSec);
  block.write('        ', 148, 'latin1');
  block.write(type, 156, 'latin1');
  block.write('ustar\u000000', 257, 'latin1');
  writeString(block, 345, 155, split.prefix);
  let sum = 0;
  for (const byte of block) sum += byte;
  writeString(block, 148, 8, `${sum.toString(8).padStart(6, '0')}\0 `);
  return block;
}

/** A pax record `<length> <key>=<value>\n`, whose length counts itself. */
function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let length = Buffer.byteLength(body) + 1;
  while (String(length).length + Buffer.byteLength(body) !== length) length++;
  return `${length}${body}`;
}

/** Zero bytes that pad a member of `size` bytes to the block size. */
export function padding(size: number): Buffer {
  return Buffer.alloc((BLOCK - (size % BLOCK)) % BLOCK);
}

/** The header block(s) of a regular file member: a pax header first when ustar cannot hold the path or size. */
export function fileHeader(path: string, size: number, mtimeMs: number): Buffer {
  const mtime = Math.floor(mtimeMs / 1000);
  const records: string[] = [];
  if (splitPath(path) === undefined) records.push(paxRecord('path', path));
  if (size > USTAR_MAX_SIZE) records.push(paxRecord('size', String(size)));
  const header = ustarHeader(path, size, mtime, '0');
  if (records.length === 0) return header;
  const pax = Buffer.from(records.join(''), 'utf8');
  return Buffer.concat([
    ustarHeader('PaxHeaders/entry', pax.length, mtime, 'x'),
    pax,
    padding(pax.length),
    header,
  ]);
}

/** The end-of-archive marker: two zero blocks. */
export const END_OF_ARCHIVE = Buffer.alloc(2 * BLOCK);

/** Pulls exact byte counts out of a chunk stream. */
class ChunkReader {
  readonly #source: AsyncIterator<Buffer>;
  #buffer: Buffer = Buffer.alloc(0);
  #ended = false;

  constructor(source: AsyncIterable<Buffer>) {
    this.#source = source[Symbol.asyncIterator]();
  }

  /** Fills the buffer to at least `n` bytes; false at the end of the stream. */
  async #fill(n: number): Promise<boolean> {
    while (this.#buffer.length < n && !this.#ended) {
      const next = await this.#source.next();
      if (next.done) this.#ended = true;
      else this.#buffer = this.#buffer.length === 0 ? next.value : Buffer.concat([this.#buffer, next.value]);
    }
    return this.#buffer.length >= n;
  }

  /** Exactly `n` bytes, or undefined when the stream ended cleanly before any byte of them. */
  async read(n: number): Promise<Buffer | undefined> {
    if (!(await this.#fill(n))) {
      if (this.#buffer.length === 0) return undefined;
      throw new TruncatedArchiveError('the archive ends inside a tar header');
    }
    const out = this.#buffer.subarray(0, n);
    this.#buffer = this.#buffer.subarray(n);
    return out;
  }

  /** Yields the next `n` bytes in chunks as they arrive. */
  async *chunks(n: number): AsyncGenerator<Buffer> {
    let left = n;
    while (left > 0) {
      if (this.#buffer.length === 0 && !(await this.#fill(1))) {
        throw new TruncatedArchiveError('the archive ends inside a member');
      }
      const take = Math.min(left, this.#buffer.length);
      const out = this.#buffer.subarray(0, take);
      this.#buffer = this.#buffer.subarray(take);
      left -= take;
      yield out;
    }
  }

  async skip(n: number): Promise<void> {
    for await (const _ of this.chunks(n));
  }

  async return(): Promise<void> {
    await this.#source.return?.();
  }
}

const text = (block: Buffer, offset: number, length: number): string => {
  const field = block.subarray(offset, offset + length);
  const end = field.indexOf(0);
  return field.subarray(0, end < 0 ? length : end).toString('utf8');
};

function octal(block: Buffer, offset: number, length: number, what: string): number {
  const value = text(block, offset, length).trim();
  if (!/^[0-7]+$/.test(value)) throw new TarFormatError(`tar header ${what} is not octal`);
  return Number.parseInt(value, 8);
}

function checkSum(block: Buffer): void {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : (block[i] as number);
  if (octal(block, 148, 8, 'checksum') !== sum) throw new TarFormatError('tar header checksum mismatch');
}

function parsePax(data: Buffer): Map<string, string> {
  const records = new Map<string, string>();
  let pos = 0;
  while (pos < data.length) {
    const space = data.indexOf(0x20, pos);
    const length = Number(data.subarray(pos, space).toString('latin1'));
    if (space < 0 || !Number.isSafeInteger(length) || length <= 0 || pos + length > data.length) {
      throw new TarFormatError('malformed pax extended header');
    }
    const record = data.subarray(space + 1, pos + length - 1).toString('utf8');
    const eq = record.indexOf('=');
    if (eq < 0) throw new TarFormatError('malformed pax record');
    records.set(record.slice(0, eq), record.slice(eq + 1));
    pos += length;
  }
  return records;
}

/** One regular file of an archive; read `body` fully (or not at all) before asking for the next. */
export interface TarEntry {
  path: string;
  size: number;
  body: AsyncGenerator<Buffer>;
}

/**
 * Reads a tar stream member by member. The end-of-archive marker is required, so a truncated
 * archive throws TruncatedArchiveError instead of looking shorter.
 */
export async function* readTar(source: AsyncIterable<Buffer>): AsyncGenerator<TarEntry> {
  const reader = new ChunkReader(source);
  let pax = new Map<string, string>();
  try {
    for (;;) {
      const block = await reader.read(BLOCK);
      if (block === undefined) throw new TruncatedArchiveError('the archive has no end-of-archive marker');
      if (block.every((b) => b === 0)) {
        const second = await reader.read(BLOCK);
        if (second === undefined || !second.every((b) => b === 0)) {
          throw new TruncatedArchiveError('the archive ends after one end-of-archive block');
        }
        return;
      }
      checkSum(block);
      const type = String.fromCharCode(block[156] as number);
      let size = octal(block, 124, 12, 'size');
      if (type === 'x') {
        const parts: Buffer[] = [];
        for await (const chunk of reader.chunks(size)) parts.push(chunk);
        pax = parsePax(Buffer.concat(parts));
        await reader.skip(padding(size).length);
        continue;
      }
      const prefix = text(block, 345, 155);
      let path = prefix ? `${prefix}/${text(block, 0, 100)}` : text(block, 0, 100);
      if (pax.has('path')) path = pax.get('path') as string;
      if (pax.has('size')) size = Number(pax.get('size'));
      pax = new Map();
      if (type !== '0' && type !== '\0') {
        // Directories and global headers carry nothing a bundle needs.
        await reader.skip(size + padding(size).length);
        continue;
      }
      let consumed = 0;
      const member = reader.chunks(size);
      const body = (async function* () {
        for await (const chunk of member) {
          consumed += chunk.length;
          yield chunk;
        }
      })();
      yield { path, size, body };
      // Whatever the consumer left unread (or abandoned) is skipped.
      await body.return(undefined);
      await reader.skip(size - consumed + padding(size).length);
    }
  } finally {
    await reader.return();
  }
}
