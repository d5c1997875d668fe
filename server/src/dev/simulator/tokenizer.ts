/**
 * A small deterministic tokenizer used for every token count of the simulator
 * (prompt and completion), so usage numbers are consistent and reproducible.
 *
 * A token is one of: a chat-template special token (`<|im_start|>`), an optional run of
 * whitespace followed by up to 8 letters/digits/underscores (long words split like
 * sub-word pieces), an optional run of whitespace followed by one other character, or
 * whitespace alone (before a special token or at the end). Concatenating the tokens of a text gives the text back, which
 * lets streaming deltas be exact slices of the final content.
 */
const TOKEN_RE =
  /<\|[a-z_]{1,32}\|>|\s+(?=<\|[a-z_]{1,32}\|>)|\s*[\p{L}\p{N}_]{1,8}|\s*[^\s\p{L}\p{N}_]|\s+/gu;

/** Scanner reused by {@link countTokens}; safe because a count never yields mid-scan. */
const COUNT_RE = new RegExp(TOKEN_RE.source, TOKEN_RE.flags);

/** Counts the tokens of `text` without allocating the pieces. */
export function countTokens(text: string): number {
  if (text.length === 0) return 0;
  COUNT_RE.lastIndex = 0;
  let count = 0;
  while (COUNT_RE.exec(text) !== null) count += 1;
  return count;
}

/** Splits `text` into tokens whose concatenation is `text`. */
export function splitTokens(text: string): string[] {
  if (text.length === 0) return [];
  return text.match(TOKEN_RE) ?? [];
}

/** 32-bit FNV-1a hash of a string's UTF-16 code units; stable across runs and platforms. */
export function fnv1a(text: string, seed = 0x811c9dc5): number {
  let hash = seed >>> 0;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}
