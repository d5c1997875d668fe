import { AppError } from '../../platform/errors.js';

/** The core User schema URN (RFC 7643 §8.7.1); attribute names may carry it as a prefix. */
export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
/** The core Group schema URN (RFC 7643 §8.7.1). */
export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';

/** A comparison `attribute eq value` (RFC 7644 §3.4.2.2); the only operator this server filters by. */
export interface Comparison {
  /** Attribute path in lower case, schema prefix removed (e.g. `username`, `emails.value`). */
  attribute: string;
  value: string | number | boolean | null;
}

/** A PATCH path (RFC 7644 §3.5.2): `attr`, `attr.sub`, `attr[filter]` or `attr[filter].sub`. */
export interface PatchPath {
  /** Top-level attribute, lower case; `extension` when the path names an extension schema's attribute. */
  attribute: string;
  /** Sub-attribute after the filter or dot, lower case. */
  subAttribute?: string;
  /** Value filter inside brackets. */
  filter?: Comparison;
}

const ATTRIBUTE = /^[A-Za-z][\w$-]*(\.[A-Za-z][\w$-]*)?$/;

/** Removes a core schema URN prefix; extension attributes come back as `extension`. */
function stripSchema(path: string): string {
  for (const urn of [USER_SCHEMA, GROUP_SCHEMA]) {
    if (path.toLowerCase().startsWith(`${urn.toLowerCase()}:`)) return path.slice(urn.length + 1);
  }
  return path.toLowerCase().startsWith('urn:') ? 'extension' : path;
}

/** A compValue (RFC 7644 §3.4.2.2): false, null, true, a number or a JSON string. */
function parseValue(raw: string, code: 'SCIM_INVALID_FILTER' | 'SCIM_INVALID_PATH'): Comparison['value'] {
  try {
    const value: unknown = JSON.parse(raw);
    if (value === null || ['string', 'number', 'boolean'].includes(typeof value))
      return value as Comparison['value'];
  } catch {
    // fall through to the error below
  }
  throw new AppError(code, `Cannot read the comparison value ${raw.slice(0, 64)}.`);
}

function parseComparison(text: string, code: 'SCIM_INVALID_FILTER' | 'SCIM_INVALID_PATH'): Comparison {
  const match = /^\s*(\S+)\s+(\w+)\s+(.+?)\s*$/s.exec(text);
  if (!match) throw new AppError(code, 'Expected `attribute eq "value"`.');
  const [, rawAttribute = '', operator = '', rawValue = ''] = match;
  if (operator.toLowerCase() !== 'eq') {
    throw new AppError(code, `Operator ${operator} is not supported; use eq.`);
  }
  const attribute = stripSchema(rawAttribute);
  if (attribute !== 'extension' && !ATTRIBUTE.test(attribute)) {
    throw new AppError(code, `${rawAttribute.slice(0, 64)} is not an attribute path.`);
  }
  return { attribute: attribute.toLowerCase(), value: parseValue(rawValue, code) };
}

/**
 * Parses a `filter` query parameter (RFC 7644 §3.4.2.2). Supported: one `eq` comparison, which is what
 * Okta and Entra ID send (`userName eq "..."`, `externalId eq "..."`, `displayName eq "..."`).
 * Anything else is refused with 400 invalidFilter rather than answered wrongly.
 */
export function parseFilter(filter: string): Comparison {
  if (/\s(and|or)\s|^\s*not\s*\(|[()[\]]/i.test(filter.replace(/"(?:[^"\\]|\\.)*"/g, '""'))) {
    throw new AppError('SCIM_INVALID_FILTER', 'Only a single `attribute eq value` comparison is supported.');
  }
  return parseComparison(filter, 'SCIM_INVALID_FILTER');
}

/** Parses a PATCH operation's `path` (RFC 7644 §3.5.2, the PATH rule of its figure 1). */
export function parsePath(path: string): PatchPath {
  const trimmed = path.trim();
  const bracket = trimmed.indexOf('[');
  if (bracket === -1) {
    const bare = stripSchema(trimmed);
    if (bare === 'extension') return { attribute: 'extension' };
    if (!ATTRIBUTE.test(bare))
      throw new AppError('SCIM_INVALID_PATH', `Invalid path ${trimmed.slice(0, 64)}.`);
    const [attribute = '', subAttribute] = bare.toLowerCase().split('.');
    return subAttribute ? { attribute, subAttribute } : { attribute };
  }
  const close = trimmed.lastIndexOf(']');
  if (close < bracket) throw new AppError('SCIM_INVALID_PATH', `Unclosed [ in path ${trimmed.slice(0, 64)}.`);
  const attribute = stripSchema(trimmed.slice(0, bracket)).toLowerCase();
  if (!/^[a-z][\w$-]*$/.test(attribute)) {
    throw new AppError('SCIM_INVALID_PATH', `Invalid path ${trimmed.slice(0, 64)}.`);
  }
  const filter = parseComparison(trimmed.slice(bracket + 1, close), 'SCIM_INVALID_PATH');
  const rest = trimmed.slice(close + 1);
  if (rest === '') return { attribute, filter };
  if (!/^\.[A-Za-z][\w$-]*$/.test(rest)) {
    throw new AppError('SCIM_INVALID_PATH', `Invalid path ${trimmed.slice(0, 64)}.`);
  }
  return { attribute, filter, subAttribute: rest.slice(1).toLowerCase() };
}
