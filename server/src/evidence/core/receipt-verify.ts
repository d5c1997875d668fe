/**
 * Verification of TECP-0.1 receipts (EVIDENCE.md §1, §2.3 verify endpoint).
 *
 * Error codes are those of the TECP verifier's error registry. Two modes:
 * - fresh (default): the TECP reference verifier's time window (at most 24 h
 *   old, at most 120 s in the future);
 * - archival: no age limit; instead the key must be in the pinned key set
 *   (the published JWKS, EVIDENCE.md §5) and valid at the receipt's `ts`.
 */
import { b64urlDecodeExact, EncodingError } from './encoding.js';
import { assertEvidenceSafe, CanonicalizationError, canonicalBytes } from './jcs.js';
import { ED25519_PUBLIC_KEY_LENGTH, ED25519_SIGNATURE_LENGTH, kidOf, verify } from './keys.js';
import {
  HASH_LENGTH,
  NONCE_LENGTH,
  RECEIPT_OPS,
  RECEIPT_STATUSES,
  signedPart,
  TECP_VERSION,
} from './receipt.js';

/** TECP verifier error codes used here, with the registry's descriptions. */
export const TECP_ERROR_CODES = {
  'E-SCHEMA-001': 'Missing required field',
  'E-SCHEMA-002': 'Invalid field type',
  'E-SCHEMA-003': 'Invalid field format',
  'E-SCHEMA-004': 'Unknown receipt version',
  'E-SIG-001': 'Invalid signature format',
  'E-SIG-002': 'Signature verification failed',
  'E-SIG-003': 'Public key format invalid',
  'E-TS-001': 'Timestamp format invalid',
  'E-TS-002': 'Clock skew exceeded',
  'E-TS-003': 'Receipt expired',
} as const;

export type TecpErrorCode = keyof typeof TECP_ERROR_CODES;

/** One verification failure; `field` is a path such as `ext.kid` or `policy_ids[1]` ("" for the whole receipt). */
export interface ReceiptVerificationError {
  code: TecpErrorCode;
  message: string;
  field: string;
}

/** A published receipt key with its validity window in Unix ms (as in the JWKS). */
export interface PinnedKey {
  /** Raw 32-byte public key, or its b64url text. */
  publicKey: Uint8Array | string;
  /** First ms at which the key signs receipts (inclusive). */
  nbf?: number;
  /** Ms from which the key no longer signs receipts (exclusive). */
  exp?: number;
}

/** Options of `verifyReceipt`. */
export interface VerifyReceiptOptions {
  /** Archival mode: no time window, and `keys` is required. */
  archival?: boolean;
  /** Pinned key set; when present the `key_known` check runs. */
  keys?: readonly PinnedKey[];
  /** Current time in Unix ms for the time window; defaults to `Date.now()`. */
  now?: number;
  /** Maximum age in fresh mode; default 24 h (TECP reference verifier). */
  maxAgeMs?: number;
  /** Maximum amount `ts` may lie in the future in fresh mode; default 120 s (TECP reference verifier). */
  maxFutureSkewMs?: number;
}

/** Result of `verifyReceipt`. */
export interface ReceiptVerification {
  valid: boolean;
  checks: { schema: boolean; signature: boolean; key_known?: boolean; time_window?: boolean };
  errors: ReceiptVerificationError[];
}

export const DEFAULT_MAX_AGE_MS = 24 * 60 * 60 * 1000;
export const DEFAULT_MAX_FUTURE_SKEW_MS = 120 * 1000;

const SCHEMA_CODES: ReadonlySet<TecpErrorCode> = new Set([
  'E-SCHEMA-001',
  'E-SCHEMA-002',
  'E-SCHEMA-003',
  'E-SCHEMA-004',
  'E-SIG-001',
  'E-SIG-003',
  'E-TS-001',
]);

type Report = (code: TecpErrorCode, field: string, message: string) => void;

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Decodes a fixed-length b64url field, reporting `formatCode` on failure. */
function decodeField(
  obj: Record<string, unknown>,
  field: string,
  length: number,
  formatCode: TecpErrorCode,
  report: Report,
): Buffer | undefined {
  const value = obj[field];
  if (typeof value !== 'string') return undefined;
  try {
    return b64urlDecodeExact(value, length);
  } catch (err) {
    const why = err instanceof EncodingError ? err.message : 'invalid';
    report(formatCode, field, `${field} must be unpadded base64url of ${length} bytes: ${why}`);
    return undefined;
  }
}

function checkRequiredTypes(r: Record<string, unknown>, report: Report): void {
  const required: Array<[string, 'string' | 'number' | 'array']> = [
    ['version', 'string'],
    ['code_ref', 'string'],
    ['ts', 'number'],
    ['nonce', 'string'],
    ['input_hash', 'string'],
    ['output_hash', 'string'],
    ['policy_ids', 'array'],
    ['pubkey', 'string'],
    ['sig', 'string'],
  ];
  for (const [field, type] of required) {
    const value = r[field];
    if (value === undefined) report('E-SCHEMA-001', field, `${field} is missing`);
    else if (type === 'array' ? !Array.isArray(value) : typeof value !== type) {
      report('E-SCHEMA-002', field, `${field} must be ${type === 'array' ? 'an array' : `a ${type}`}`);
    }
  }
  if (typeof r.version === 'string' && r.version !== TECP_VERSION) {
    report('E-SCHEMA-004', 'version', `version ${JSON.stringify(r.version)} is not ${TECP_VERSION}`);
  }
  if (r.code_ref === '') report('E-SCHEMA-003', 'code_ref', 'code_ref must not be empty');
  if (typeof r.ts === 'number' && (!Number.isSafeInteger(r.ts) || r.ts <= 0)) {
    report('E-TS-001', 'ts', 'ts must be a positive integer of Unix milliseconds');
  }
}

function checkPolicyIds(value: unknown, report: Report): void {
  if (!Array.isArray(value)) return;
  value.forEach((id: unknown, i) => {
    if (typeof id !== 'string') report('E-SCHEMA-002', `policy_ids[${i}]`, 'policy id must be a string');
    else if (i > 0) {
      const prev: unknown = value[i - 1];
      if (typeof prev === 'string' && !(prev < id)) {
        report('E-SCHEMA-003', `policy_ids[${i}]`, 'policy_ids must be sorted ascending without duplicates');
      }
    }
  });
}

function checkExt(ext: unknown, pubkey: Buffer | undefined, report: Report): void {
  if (ext === undefined) return;
  if (!isRecord(ext)) {
    report('E-SCHEMA-002', 'ext', 'ext must be an object');
    return;
  }
  const strings: Array<[string, boolean]> = [
    ['kid', true],
    ['op', true],
    ['request_id', true],
    ['subject', true],
    ['team', false],
    ['model', false],
    ['backend', false],
    ['status', true],
    ['log', true],
  ];
  for (const [name, nonEmpty] of strings) {
    const value = ext[name];
    if (value === undefined) report('E-SCHEMA-001', `ext.${name}`, `ext.${name} is missing`);
    else if (typeof value !== 'string') report('E-SCHEMA-002', `ext.${name}`, `ext.${name} must be a string`);
    else if (nonEmpty && value === '') report('E-SCHEMA-003', `ext.${name}`, `ext.${name} must not be empty`);
  }
  for (const name of ['project', 'task']) {
    const value = ext[name];
    if (value !== undefined && typeof value !== 'string') {
      report('E-SCHEMA-002', `ext.${name}`, `ext.${name} must be a string`);
    }
  }
  for (const name of ['prompt_tokens', 'completion_tokens']) {
    const value = ext[name];
    if (value === undefined) report('E-SCHEMA-001', `ext.${name}`, `ext.${name} is missing`);
    else if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
      report('E-SCHEMA-002', `ext.${name}`, `ext.${name} must be a non-negative integer`);
    }
  }
  if (typeof ext.op === 'string' && ext.op !== '' && !(RECEIPT_OPS as readonly string[]).includes(ext.op)) {
    report('E-SCHEMA-003', 'ext.op', `ext.op ${JSON.stringify(ext.op)} is not a known operation`);
  }
  if (
    typeof ext.status === 'string' &&
    ext.status !== '' &&
    !(RECEIPT_STATUSES as readonly string[]).includes(ext.status)
  ) {
    report('E-SCHEMA-003', 'ext.status', `ext.status ${JSON.stringify(ext.status)} is not a known status`);
  }
  if (typeof ext.kid === 'string' && ext.kid !== '' && pubkey !== undefined && ext.kid !== kidOf(pubkey)) {
    report('E-SCHEMA-003', 'ext.kid', 'ext.kid is not b64url(SHA-256(pubkey))');
  }
}

function pinnedKeyBytes(key: PinnedKey): Buffer | undefined {
  try {
    return typeof key.publicKey === 'string'
      ? b64urlDecodeExact(key.publicKey, ED25519_PUBLIC_KEY_LENGTH)
      : Buffer.from(key.publicKey);
  } catch {
    return undefined;
  }
}

function checkKeyKnown(keys: readonly PinnedKey[], pubkey: Buffer, ts: unknown, report: Report): boolean {
  const matches = keys.filter((k) => pinnedKeyBytes(k)?.equals(pubkey) === true);
  if (matches.length === 0) {
    report('E-SIG-002', 'pubkey', 'pubkey is not in the pinned key set');
    return false;
  }
  if (typeof ts !== 'number') return false;
  const inWindow = matches.some(
    (k) => (k.nbf === undefined || ts >= k.nbf) && (k.exp === undefined || ts < k.exp),
  );
  if (!inWindow) report('E-SIG-002', 'ts', 'pubkey was not valid for signing at ts');
  return inWindow;
}

/**
 * Verifies a receipt (any parsed JSON value) and reports every problem found.
 * `valid` is true only when every check that ran passed.
 * @throws TypeError when `archival` is set without `keys` (a caller bug, not a receipt problem).
 */
export function verifyReceipt(receipt: unknown, opts: VerifyReceiptOptions = {}): ReceiptVerification {
  if (opts.archival === true && opts.keys === undefined) {
    throw new TypeError('archival verification needs the pinned key set');
  }
  const errors: ReceiptVerificationError[] = [];
  const report: Report = (code, field, message) => errors.push({ code, field, message });
  const checks: ReceiptVerification['checks'] = { schema: false, signature: false };
  if (!isRecord(receipt)) {
    report('E-SCHEMA-002', '', 'receipt must be a JSON object');
    if (opts.keys !== undefined) checks.key_known = false;
    if (opts.archival !== true) checks.time_window = false;
    return { valid: false, checks, errors };
  }

  checkRequiredTypes(receipt, report);
  decodeField(receipt, 'nonce', NONCE_LENGTH, 'E-SCHEMA-003', report);
  decodeField(receipt, 'input_hash', HASH_LENGTH, 'E-SCHEMA-003', report);
  decodeField(receipt, 'output_hash', HASH_LENGTH, 'E-SCHEMA-003', report);
  const pubkey = decodeField(receipt, 'pubkey', ED25519_PUBLIC_KEY_LENGTH, 'E-SIG-003', report);
  const sig = decodeField(receipt, 'sig', ED25519_SIGNATURE_LENGTH, 'E-SIG-001', report);
  checkPolicyIds(receipt.policy_ids, report);
  checkExt(receipt.ext, pubkey, report);

  // EVIDENCE.md §1: the signed object uses lowercase keys and integers only.
  let data: Buffer | undefined;
  const part = signedPart(receipt);
  try {
    assertEvidenceSafe(part);
    data = canonicalBytes(part);
  } catch (err) {
    if (!(err instanceof CanonicalizationError)) throw err;
    const field = err.path.replace(/^\$\.?/, '');
    // Fields already reported by the type checks above are not reported twice.
    if (!errors.some((e) => e.field === field)) report('E-SCHEMA-003', field, err.message);
  }
  checks.schema = !errors.some((e) => SCHEMA_CODES.has(e.code));

  if (pubkey !== undefined && sig !== undefined && data !== undefined) {
    checks.signature = verify(pubkey, data, sig);
    if (!checks.signature) report('E-SIG-002', 'sig', 'signature does not verify over the signed bytes');
  }

  if (opts.keys !== undefined) {
    checks.key_known = pubkey !== undefined && checkKeyKnown(opts.keys, pubkey, receipt.ts, report);
  }

  if (opts.archival !== true) {
    const ts = receipt.ts;
    checks.time_window = false;
    if (typeof ts === 'number' && Number.isSafeInteger(ts) && ts > 0) {
      const now = opts.now ?? Date.now();
      const maxAge = opts.maxAgeMs ?? DEFAULT_MAX_AGE_MS;
      const maxSkew = opts.maxFutureSkewMs ?? DEFAULT_MAX_FUTURE_SKEW_MS;
      if (ts - now > maxSkew) report('E-TS-002', 'ts', `ts is more than ${maxSkew} ms in the future`);
      else if (now - ts > maxAge) report('E-TS-003', 'ts', `receipt is older than ${maxAge} ms`);
      else checks.time_window = true;
    }
  }

  return { valid: errors.length === 0, checks, errors };
}
