/**
 * Safe project paths: what the assistant accepts as a file path, from a client, an archive or a
 * model's answer. A safe path is relative, uses forward slashes, and cannot leave the project root
 * when joined to it on any platform.
 */

/** Longest accepted path, in characters. */
export const MAX_PATH_LENGTH = 300;
const MAX_DEPTH = 32;

/** Why `path` is not a safe relative path, or undefined when it is. */
export function unsafePathReason(path: string): string | undefined {
  if (path.length === 0) return 'is empty';
  if (path.length > MAX_PATH_LENGTH) return `is longer than ${MAX_PATH_LENGTH} characters`;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused.
  if (/[\u0000-\u001f\u007f]/.test(path)) return 'contains a control character';
  if (path.includes('\\')) return 'contains a backslash';
  if (path.startsWith('/')) return 'is absolute';
  if (/^[A-Za-z]:/.test(path)) return 'starts with a drive letter';
  const segments = path.split('/');
  if (segments.length > MAX_DEPTH) return `is deeper than ${MAX_DEPTH} folders`;
  for (const segment of segments) {
    if (segment === '') return 'has an empty segment';
    if (segment === '..') return 'leaves the project folder (..)';
    if (segment === '.') return 'has a . segment';
  }
  return undefined;
}

/** An archive entry's name as a project path: without the leading `./` that `tar -C dir .` writes. */
export const archivePath = (name: string): string => name.replace(/^(\.\/)+/, '').replace(/\/+$/, '');
