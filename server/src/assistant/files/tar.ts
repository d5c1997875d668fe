/**
 * Reads an uploaded `.tar.gz` (RFC 1952 gzip around a POSIX.1-2001 pax / ustar archive, with the GNU
 * long-name extension) into its regular files, refusing what a project upload has no business
 * holding: links, devices, FIFOs and paths that leave the project folder. Decompression stops at
 * `maxUnpackedBytes`, so a gzip bomb costs no more than that.
 */
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { AppError } from '../../platform/errors.js';
import { archivePath, unsafePathReason } from './paths.js';

const gunzipAsync = promisify(gunzip);
const BLOCK = 512;

/** A regular file of the archive. */
export interface ArchiveFile {
  path: string;
  data: Buffer;
}

export interface ArchiveLimits {
  maxUnpackedBytes: number;
  /** Entries counted: files, directories and refused entries (not the pax and GNU metadata headers). */
  maxEntries: number;
}

/** NUL-terminated field as text. */
function text(block: Buffer, offset: number, length: number): string {
  const field = block.subarray(offset, offset + length);
  const end = field.indexOf(0);
  return field.subarray(0, end < 0 ? field.length : end).toString('utf8');
}

/** A numeric field: octal ASCII, or base-256 when the high bit of the first byte is set (GNU, star). */
function number(block: Buffer, offset: number, length: number): number {
  const field = block.subarray(offset, offset + length);
  if (((field[0] as number) & 0x80) !== 0) {
    let value = (field[0] as number) & 0x7f;
    for (let i = 1; i < field.length; i++) value = value * 256 + (field[i] as number);
    return value;
  }
  const digits = text(block, offset, length).trim();
  if (digits === '') return 0;
  if (!/^[0-7]+$/.test(digits)) throw new AppError('ARCHIVE_INVALID', 'A tar header has a malformed number.');
  return Number.parseInt(digits, 8);
}

/** POSIX ustar checksum: the header's bytes summed, the checksum field counted as spaces. */
function checksumOk(block: Buffer): boolean {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : (block[i] as number);
  return sum === number(block, 148, 8);
}

/** pax extended header records, `"<length> <key>=<value>\n"` (POSIX.1-2001 pax, "pax Header Block"). */
function paxRecords(data: Buffer): Record<string, string> {
  const records: Record<string, string> = {};
  let at = 0;
  while (at < data.length) {
    const space = data.indexOf(0x20, at);
    const length = Number(data.subarray(at, space).toString('ascii'));
    if (space < 0 || !Number.isSafeInteger(length) || length <= space - at || at + length > data.length)
      throw new AppError('ARCHIVE_INVALID', 'A pax header record is malformed.');
    const record = data.subarray(space + 1, at + length - 1).toString('utf8');
    const eq = record.indexOf('=');
    if (eq > 0) records[record.slice(0, eq)] = record.slice(eq + 1);
    at += length;
  }
  return records;
}

const REFUSED: Record<string, string> = {
  '1': 'is a hard link',
  '2': 'is a symbolic link',
  '3': 'is a character device',
  '4': 'is a block device',
  '6': 'is a FIFO',
};

function unsafe(entry: string, reason: string): AppError {
  return new AppError('ARCHIVE_UNSAFE_ENTRY', `The archive entry ${JSON.stringify(entry)} ${reason}.`, [
    { entry, reason },
  ]);
}

/** Walks the tar blocks of an unpacked archive. */
function entries(tar: Buffer, limits: ArchiveLimits): ArchiveFile[] {
  const files: ArchiveFile[] = [];
  let count = 0;
  let next: { path?: string; size?: number } = {};
  let at = 0;
  while (at + BLOCK <= tar.length) {
    const header = tar.subarray(at, at + BLOCK);
    if (header.every((b) => b === 0)) return files; // End of archive (two zero blocks; one suffices).
    if (!checksumOk(header)) throw new AppError('ARCHIVE_INVALID', 'A tar header checksum does not match.');
    const type = String.fromCharCode(header[156] as number);
    const size = next.size ?? number(header, 124, 12);
    const start = at + BLOCK;
    const end = start + size;
    if (end > tar.length) throw new AppError('ARCHIVE_INVALID', 'The archive is truncated.');
    at = start + Math.ceil(size / BLOCK) * BLOCK;
    const data = tar.subarray(start, end);
    if (type === 'x') {
      const pax = paxRecords(data);
      next = { ...(pax.path ? { path: pax.path } : {}), ...(pax.size ? { size: Number(pax.size) } : {}) };
      if (next.size !== undefined && !Number.isSafeInteger(next.size))
        throw new AppError('ARCHIVE_INVALID', 'A pax size is malformed.');
      continue;
    }
    if (type === 'L') {
      next = { ...next, path: text(data, 0, data.length) };
      continue;
    }
    if (type === 'g' || type === 'K') continue; // Global pax defaults, GNU long link names: not needed.
    const ustar = text(header, 257, 6) === 'ustar' && text(header, 263, 2) === '00';
    const prefix = ustar ? text(header, 345, 155) : '';
    const name = next.path ?? (prefix ? `${prefix}/${text(header, 0, 100)}` : text(header, 0, 100));
    next = {};
    count += 1;
    if (count > limits.maxEntries)
      throw new AppError('ARCHIVE_TOO_LARGE', `The archive has more than ${limits.maxEntries} entries.`);
    if (REFUSED[type]) throw unsafe(name, REFUSED[type]);
    const path = archivePath(name);
    if (type === '5' || path === '') continue; // Directories (and the archive's own `./`).
    if (type !== '0' && type !== '\0' && type !== '7')
      throw new AppError(
        'ARCHIVE_INVALID',
        `The archive entry ${JSON.stringify(name)} has an unsupported type.`,
      );
    const reason = unsafePathReason(path);
    if (reason) throw unsafe(name, reason);
    files.push({ path, data });
  }
  // Writers that omit the end-of-archive blocks stop at a block boundary; anything else is cut off.
  if (at >= tar.length) return files;
  throw new AppError('ARCHIVE_INVALID', 'The archive is truncated.');
}

/**
 * The regular files of a gzip-compressed tar archive, in archive order.
 * @throws AppError ARCHIVE_INVALID, ARCHIVE_UNSAFE_ENTRY, ARCHIVE_TOO_LARGE.
 */
export async function readTarGz(gz: Buffer, limits: ArchiveLimits): Promise<ArchiveFile[]> {
  if (gz.length < 18 || gz[0] !== 0x1f || gz[1] !== 0x8b)
    throw new AppError('ARCHIVE_INVALID', 'The upload is not gzip-compressed (RFC 1952).');
  let tar: Buffer;
  try {
    tar = await gunzipAsync(gz, { maxOutputLength: limits.maxUnpackedBytes });
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE')
      throw new AppError(
        'ARCHIVE_TOO_LARGE',
        `The archive unpacks to more than ${limits.maxUnpackedBytes} bytes.`,
      );
    throw new AppError('ARCHIVE_INVALID', 'The upload could not be decompressed.');
  }
  return entries(tar, limits);
}
