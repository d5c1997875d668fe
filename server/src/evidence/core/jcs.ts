/**
 * RFC 8785 JSON Canonicalization Scheme (JCS), and the stricter value rules
 * EVIDENCE.md §1 imposes on signed objects.
 *
 * Input is a JavaScript value as produced by `JSON.parse` (plain objects,
 * arrays, strings, finite numbers, booleans, null). Anything that JSON cannot
 * represent exactly is rejected rather than coerced, because a signature or a
 * hash over silently altered data is worse than an error.
 */

/** Error thrown for a value that cannot be canonicalized or is not evidence-safe. */
export class CanonicalizationError extends Error {
  override readonly name = 'CanonicalizationError';
  /** JSONPath-like location of the offending value, e.g. `$.ext.model`. */
  readonly path: string;

  constructor(path: string, message: string) {
    super(`${path}: ${message}`);
    this.path = path;
  }
}

/** EVIDENCE.md §1: keys in signed objects are lowercase letters and underscores only. */
const EVIDENCE_KEY_RE = /^[a-z_]+$/;

/** Lone UTF-16 surrogate: a high surrogate not followed by a low one, or a stray low one. */
const LONE_SURROGATE_RE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** RFC 8785 §3.2.2.2 short escapes; other code units below U+0020 use \u00xx. */
const SHORT_ESCAPES: Readonly<Record<string, string>> = {
  '\b': '\\b',
  '\t': '\\t',
  '\n': '\\n',
  '\f': '\\f',
  '\r': '\\r',
  '"': '\\"',
  '\\': '\\\\',
};

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const NEEDS_ESCAPE_RE = /[\u0000-\u001F"\\]/g;

/** True when `text` is not well-formed UTF-16 (so it has no UTF-8 encoding). */
export function hasLoneSurrogate(text: string): boolean {
  return LONE_SURROGATE_RE.test(text);
}

function isPlainObject(value: object): value is Record<string, unknown> {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function childPath(path: string, key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

/**
 * RFC 8785 §3.2.2.2 string serialization. Strings must be well-formed UTF-16
 * (I-JSON, RFC 7493 §2.1, which RFC 8785 §3.1 requires), so lone surrogates are
 * rejected instead of being escaped.
 */
function serializeString(value: string, path: string): string {
  if (LONE_SURROGATE_RE.test(value)) {
    throw new CanonicalizationError(path, 'string contains a lone surrogate (not I-JSON)');
  }
  const escaped = value.replace(NEEDS_ESCAPE_RE, (ch) => {
    const short = SHORT_ESCAPES[ch];
    if (short !== undefined) return short;
    return `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
  return `"${escaped}"`;
}

/**
 * RFC 8785 §3.2.2.3: numbers are serialized exactly as ECMAScript
 * Number.prototype.toString does (ECMA-262 Number::toString), with -0 as "0".
 */
function serializeNumber(value: number, path: string): string {
  if (!Number.isFinite(value)) {
    throw new CanonicalizationError(path, `number ${String(value)} is not finite`);
  }
  return Object.is(value, -0) ? '0' : String(value);
}

/** RFC 8785 §3.2.3: property names sorted by their UTF-16 code units. */
function compareUtf16(a: string, b: string): number {
  // The default relational comparison of JS strings compares UTF-16 code units.
  return a < b ? -1 : a > b ? 1 : 0;
}

function serialize(value: unknown, path: string): string {
  switch (typeof value) {
    case 'string':
      return serializeString(value, path);
    case 'number':
      return serializeNumber(value, path);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (value === null) return 'null';
      if (Array.isArray(value)) {
        const parts: string[] = [];
        for (let i = 0; i < value.length; i++) {
          const item: unknown = value[i];
          if (item === undefined) {
            // JSON has no undefined; JSON.stringify would write null, which changes the data.
            throw new CanonicalizationError(`${path}[${i}]`, 'undefined is not a JSON value');
          }
          parts.push(serialize(item, `${path}[${i}]`));
        }
        return `[${parts.join(',')}]`;
      }
      if (!isPlainObject(value)) {
        throw new CanonicalizationError(path, 'only plain objects and arrays are JSON values');
      }
      const keys = Object.keys(value).sort(compareUtf16);
      const members: string[] = [];
      for (const key of keys) {
        const member = value[key];
        // An undefined member is absent, as in JSON.stringify and JSON.parse round trips.
        if (member === undefined) continue;
        const p = childPath(path, key);
        members.push(`${serializeString(key, p)}:${serialize(member, p)}`);
      }
      return `{${members.join(',')}}`;
    }
    default:
      throw new CanonicalizationError(path, `${typeof value} is not a JSON value`);
  }
}

/** Thrown by {@link fastSerialize} for any value it cannot serialize; carries no detail. */
const NOT_CANONICAL = new Error('not canonicalizable');

/**
 * {@link serialize} without tracking paths, for values that are valid (nearly all): the same
 * text, with ECMAScript's own JSON string and number serialization, which RFC 8785 §3.2.2.2 and
 * §3.2.2.3 are defined by (lone surrogates are refused first, so they are never escaped).
 * Throws NOT_CANONICAL where `serialize` would throw.
 */
function fastSerialize(value: unknown): string {
  switch (typeof value) {
    case 'string':
      if (LONE_SURROGATE_RE.test(value)) throw NOT_CANONICAL;
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw NOT_CANONICAL;
      return JSON.stringify(value); // -0 is written "0".
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (value === null) return 'null';
      if (Array.isArray(value)) {
        let out = '[';
        for (let i = 0; i < value.length; i++) {
          const item: unknown = value[i];
          if (item === undefined) throw NOT_CANONICAL;
          out += i === 0 ? fastSerialize(item) : `,${fastSerialize(item)}`;
        }
        return `${out}]`;
      }
      if (!isPlainObject(value)) throw NOT_CANONICAL;
      // The default sort compares UTF-16 code units (RFC 8785 §3.2.3).
      const keys = Object.keys(value).sort();
      let out = '{';
      let first = true;
      for (const key of keys) {
        const member = value[key];
        if (member === undefined) continue;
        if (LONE_SURROGATE_RE.test(key)) throw NOT_CANONICAL;
        out += `${first ? '' : ','}${JSON.stringify(key)}:${fastSerialize(member)}`;
        first = false;
      }
      return `${out}}`;
    }
    default:
      throw NOT_CANONICAL;
  }
}

/**
 * Returns the RFC 8785 canonical JSON text of `value`.
 * @throws CanonicalizationError for non-finite numbers, undefined array items,
 *   top-level undefined, lone surrogates, bigint, symbols, functions and
 *   non-plain objects (Date, Map, Buffer, class instances).
 */
export function canonicalize(value: unknown): string {
  try {
    return fastSerialize(value);
  } catch (err) {
    if (err !== NOT_CANONICAL) throw err;
    // Again with paths, for an error that names the offending value.
    return serialize(value, '$');
  }
}

/** Returns the UTF-8 bytes of `canonicalize(value)`: the bytes that are hashed or signed. */
export function canonicalBytes(value: unknown): Buffer {
  return Buffer.from(canonicalize(value), 'utf8');
}

function checkEvidenceSafe(value: unknown, path: string): void {
  switch (typeof value) {
    case 'string':
      if (LONE_SURROGATE_RE.test(value)) {
        throw new CanonicalizationError(path, 'string contains a lone surrogate');
      }
      return;
    case 'boolean':
      return;
    case 'number':
      // The TECP reference canonicalizer throws on non-integers; stay within
      // the safe range so every verifier parses the same integer back.
      if (!Number.isSafeInteger(value)) {
        throw new CanonicalizationError(path, `number ${String(value)} is not a safe integer`);
      }
      return;
    case 'object': {
      if (value === null) throw new CanonicalizationError(path, 'null is not allowed in evidence');
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
          const item: unknown = value[i];
          if (item === undefined) throw new CanonicalizationError(`${path}[${i}]`, 'undefined array item');
          checkEvidenceSafe(item, `${path}[${i}]`);
        }
        return;
      }
      if (!isPlainObject(value)) throw new CanonicalizationError(path, 'not a plain object');
      for (const key of Object.keys(value)) {
        const p = childPath(path, key);
        if (!EVIDENCE_KEY_RE.test(key)) {
          throw new CanonicalizationError(p, `key ${JSON.stringify(key)} does not match ^[a-z_]+$`);
        }
        const member = value[key];
        if (member !== undefined) checkEvidenceSafe(member, p);
      }
      return;
    }
    default:
      throw new CanonicalizationError(path, `${typeof value} is not allowed in evidence`);
  }
}

/**
 * Asserts the EVIDENCE.md §1 rules for signed objects (receipts, audit events):
 * every key matches `^[a-z_]+$` (so JCS order equals the TECP reference
 * verifier's locale-based order), every number is a safe integer, and all other
 * values are strings, booleans, arrays or plain objects (no null). Object members
 * whose value is `undefined` are treated as absent, as `canonicalize` does.
 * @throws CanonicalizationError naming the path of the first offending value.
 */
export function assertEvidenceSafe(value: unknown): void {
  checkEvidenceSafe(value, '$');
}
