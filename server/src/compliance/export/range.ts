/**
 * RFC 9110 §14 byte ranges for bundle downloads: one range (`bytes=a-b`, `a-`, `-n`), `If-Range`
 * with the strong ETag, 416 with `Content-Range: bytes *\/size` when unsatisfiable. Several ranges
 * are answered with the whole file, which §14.2 allows.
 */

export type RangeDecision =
  | { kind: 'full' }
  | { kind: 'partial'; start: number; end: number }
  | { kind: 'unsatisfiable' };

/** Decides what to send for a GET of a representation of `size` bytes with strong ETag `etag`. */
export function decideRange(
  header: string | undefined,
  ifRange: string | undefined,
  size: number,
  etag: string,
  lastModified: Date,
): RangeDecision {
  if (header === undefined) return { kind: 'full' };
  // §13.1.5: a validator that does not match means "send the whole, current representation".
  if (ifRange !== undefined) {
    const trimmed = ifRange.trim();
    const matches =
      trimmed.startsWith('"') || trimmed.startsWith('W/')
        ? trimmed === etag
        : Date.parse(trimmed) === Math.floor(lastModified.getTime() / 1000) * 1000;
    if (!matches) return { kind: 'full' };
  }
  const m = /^bytes=(\d*)-(\d*)$/i.exec(header.trim());
  // §14.2: a syntactically invalid or multi-range Range header may be ignored.
  if (m === null) return { kind: 'full' };
  const [, first = '', last = ''] = m;
  if (first === '' && last === '') return { kind: 'full' };
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return { kind: 'unsatisfiable' };
    return { kind: 'partial', start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  // §14.1.1: last-pos below first-pos makes the range invalid, hence ignored.
  if (!Number.isSafeInteger(start) || (last !== '' && Number(last) < start)) return { kind: 'full' };
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  if (start >= size) return { kind: 'unsatisfiable' };
  return { kind: 'partial', start, end };
}
