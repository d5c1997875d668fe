/**
 * RFC 8785 JSON Canonicalization Scheme (JCS) for values parsed by `JSON.parse`: the exact bytes a
 * TECP receipt signature and a log leaf hash cover (EVIDENCE.md §1, §2). Values JSON cannot carry
 * exactly are refused rather than coerced: a check over altered data would prove nothing.
 */

/** Thrown for a value that has no canonical JSON form; `path` locates it (e.g. `$.ext.model`). */
export class CanonicalizationError extends Error {
  override readonly name = 'CanonicalizationError';
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(`${path}: ${message}`);
  }
}

/** A lone UTF-16 surrogate has no UTF-8 encoding (RFC 8785 §3.1 requires I-JSON, RFC 7493 §2.1). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** RFC 8785 §3.2.2.2: the two-character escapes; other control characters become \u00xx. */
const SHORT_ESCAPES: Readonly<Record<string, string>> = {
  '\b': '\\b',
  '\t': '\\t',
  '\n': '\\n',
  '\f': '\\f',
  '\r': '\\r',
  '"': '\\"',
  '\\': '\\\\',
};

// biome-ignore lint/suspicious/noControlCharactersInRegex: escaping control characters is the point.
const NEEDS_ESCAPE = /[\u0000-\u001F"\\]/g;

function serializeString(value: string, path: string): string {
  if (LONE_SURROGATE.test(value)) throw new CanonicalizationError(path, 'string contains a lone surrogate');
  const escaped = value.replace(
    NEEDS_ESCAPE,
    (ch) => SHORT_ESCAPES[ch] ?? `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return `"${escaped}"`;
}

/** RFC 8785 §3.2.2.3: ECMAScript Number::toString, which is what String(number) does; -0 is "0". */
function serializeNumber(value: number, path: string): string {
  if (!Number.isFinite(value)) throw new CanonicalizationError(path, `${String(value)} is not finite`);
  return Object.is(value, -0) ? '0' : String(value);
}

/** RFC 8785 §3.2.3: member names sorted by UTF-16 code units (JavaScript's default string order). */
const byCodeUnits = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function isPlainObject(value: object): value is Record<string, unknown> {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function serialize(value: unknown, path: string): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return serializeString(value, path);
    case 'number':
      return serializeNumber(value, path);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (Array.isArray(value)) {
        const items = value.map((item: unknown, i) => {
          if (item === undefined) throw new CanonicalizationError(`${path}[${i}]`, 'undefined is not JSON');
          return serialize(item, `${path}[${i}]`);
        });
        return `[${items.join(',')}]`;
      }
      if (!isPlainObject(value)) throw new CanonicalizationError(path, 'not a plain object');
      const members = Object.keys(value)
        .sort(byCodeUnits)
        .filter((key) => value[key] !== undefined)
        .map((key) => `${serializeString(key, path)}:${serialize(value[key], `${path}.${key}`)}`);
      return `{${members.join(',')}}`;
    }
    default:
      throw new CanonicalizationError(path, `${typeof value} is not a JSON value`);
  }
}

/** The RFC 8785 canonical text of a JSON value. */
export function canonicalize(value: unknown): string {
  return serialize(value, '$');
}

/** UTF-8 bytes of the canonical text: what is hashed and signed. */
export function canonicalBytes(value: unknown): Uint8Array {
  return new TextEncoder().encode(canonicalize(value));
}
