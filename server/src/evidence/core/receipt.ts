/**
 * TECP-0.1 receipts as fixed by EVIDENCE.md §1: construction, signing and the
 * input/output hash rules. Verification lives in `receipt-verify.ts`.
 */
import { createHash, type Hash, randomBytes } from 'node:crypto';
import { b64urlDecodeExact, b64urlEncode } from './encoding.js';
import { assertEvidenceSafe, canonicalBytes } from './jcs.js';
import { ED25519_PUBLIC_KEY_LENGTH, type Ed25519Signer, kidOf, verify } from './keys.js';

/** The only receipt version the appliance produces and verifies. */
export const TECP_VERSION = 'TECP-0.1';

/** Byte lengths of the fixed-size receipt fields (EVIDENCE.md §1). */
export const NONCE_LENGTH = 16;
export const HASH_LENGTH = 32;

/** `ext.op` values (EVIDENCE.md §1). */
export const RECEIPT_OPS = [
  'chat_completions',
  'completions',
  'embeddings',
  'generate',
  'analyze',
  'chat',
] as const;
export type ReceiptOp = (typeof RECEIPT_OPS)[number];

/** `ext.status` values (EVIDENCE.md §1, §1.4). */
export const RECEIPT_STATUSES = ['ok', 'error', 'cancelled'] as const;
export type ReceiptStatus = (typeof RECEIPT_STATUSES)[number];

/** Policy ids the appliance may claim (EVIDENCE.md §1.3), in ascending order. */
export const POLICY_IDS = ['audit_trail', 'key_erasure', 'no_model_training', 'no_retention'] as const;
export type PolicyId = (typeof POLICY_IDS)[number];

/**
 * Top-level keys the TECP verifier leaves out of the signed bytes. The
 * appliance never puts a claim that matters in the last three (EVIDENCE.md §1).
 */
export const UNSIGNED_RECEIPT_KEYS = ['sig', 'environment', 'key_erasure', 'log_inclusion'] as const;

/** AI-LA metadata carried in the signed `ext` member (EVIDENCE.md §1). */
export interface ReceiptExt {
  /** b64url(SHA-256(raw public key)). */
  kid: string;
  op: ReceiptOp;
  request_id: string;
  /** The appliance's user id (UUID); never an e-mail or a name. */
  subject: string;
  /** Team id (UUID) or "". */
  team: string;
  model: string;
  backend: string;
  prompt_tokens: number;
  completion_tokens: number;
  status: ReceiptStatus;
  /** Origin line of the log the receipt is appended to (EVIDENCE.md §2). */
  log: string;
  project?: string;
  task?: string;
}

/** A receipt before signing. Key order is the order receipts are serialized in. */
export interface UnsignedReceipt {
  version: typeof TECP_VERSION;
  code_ref: string;
  /** Unix milliseconds. */
  ts: number;
  nonce: string;
  input_hash: string;
  output_hash: string;
  /** Sorted ascending. */
  policy_ids: PolicyId[];
  pubkey: string;
  ext?: ReceiptExt;
}

/** A signed TECP-0.1 receipt. */
export interface Receipt extends UnsignedReceipt {
  sig: string;
  /** Unsigned TECP extension; present only on receipts from other producers. */
  environment?: unknown;
  key_erasure?: unknown;
  log_inclusion?: unknown;
}

/** Parameters of `buildReceipt`. Hashes are the b64url values of the `*Hash*` helpers. */
export interface BuildReceiptParams {
  /** e.g. `build:sha256:<hex>`. */
  codeRef: string;
  /** Unix milliseconds. */
  ts: number;
  /** 16 random bytes; see `newNonce`. */
  nonce: Uint8Array;
  inputHash: string;
  outputHash: string;
  policyIds: readonly PolicyId[];
  /** Raw 32-byte Ed25519 public key of the signer. */
  publicKey: Uint8Array;
  /** Metadata; `kid` is derived from `publicKey`. Omit for a bare TECP receipt. */
  ext?: Omit<ReceiptExt, 'kid'>;
}

/** Returns 16 fresh random bytes for a receipt nonce. */
export function newNonce(): Buffer {
  if (noncePoolAt + NONCE_LENGTH > noncePool.length) {
    // A fresh pool each time: handed-out nonces are views that are never written again.
    noncePool = randomBytes(NONCE_LENGTH * NONCES_PER_POOL);
    noncePoolAt = 0;
  }
  noncePoolAt += NONCE_LENGTH;
  return noncePool.subarray(noncePoolAt - NONCE_LENGTH, noncePoolAt);
}

/** Nonces drawn from the CSPRNG at once (one call into it per 256 receipts instead of each). */
const NONCES_PER_POOL = 256;
let noncePool: Buffer = Buffer.alloc(0);
let noncePoolAt = 0;

/** b64url(SHA-256(bytes)). */
export function sha256B64url(bytes: Uint8Array): string {
  return b64urlEncode(createHash('sha256').update(bytes).digest());
}

/** `input_hash` of a JSON request: SHA-256 of UTF-8 JCS of the parsed body (EVIDENCE.md §1). */
export function inputHashOfJson(body: unknown): string {
  return sha256B64url(canonicalBytes(body));
}

/** `input_hash` of a non-JSON request: SHA-256 of the raw body bytes (EVIDENCE.md §1). */
export function inputHashOfBytes(body: Uint8Array): string {
  return sha256B64url(body);
}

/**
 * `output_hash` of a non-streaming JSON response: SHA-256 of UTF-8 JCS of the
 * body without its top-level `tecp_receipt` member (EVIDENCE.md §1).
 */
export function outputHashOfJson(body: unknown): string {
  if (body !== null && typeof body === 'object' && !Array.isArray(body) && 'tecp_receipt' in body) {
    const { tecp_receipt: _omitted, ...rest } = body as Record<string, unknown>;
    return sha256B64url(canonicalBytes(rest));
  }
  return sha256B64url(canonicalBytes(body));
}

/** `output_hash` of raw response bytes (streaming responses, EVIDENCE.md §1). */
export function outputHashOfBytes(body: Uint8Array): string {
  return sha256B64url(body);
}

/** Incremental SHA-256 over the exact bytes written to a client (SSE streams). */
export interface StreamHasher {
  update(chunk: Uint8Array | string): void;
  /** b64url digest; the hasher cannot be used afterwards. */
  digest(): string;
}

/** Creates a `StreamHasher`; strings are hashed as UTF-8, as they are written. */
export function createStreamHasher(): StreamHasher {
  const hash: Hash = createHash('sha256');
  return {
    update: (chunk) => {
      hash.update(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk);
    },
    digest: () => b64urlEncode(hash.digest()),
  };
}

/** The part of a receipt covered by `sig`: all members but `UNSIGNED_RECEIPT_KEYS`. */
export function signedPart(receipt: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(receipt)) {
    if (!(UNSIGNED_RECEIPT_KEYS as readonly string[]).includes(key)) out[key] = value;
  }
  return out;
}

/** Signed bytes: UTF-8 JCS of the receipt without `sig`, `environment`, `key_erasure`, `log_inclusion`. */
export function signedBytes(receipt: object): Buffer {
  return canonicalBytes(signedPart(receipt));
}

/** Log leaf data of a receipt: UTF-8 JCS of the receipt without `log_inclusion` (EVIDENCE.md §2). */
export function receiptLeafData(receipt: Receipt): Buffer {
  const { log_inclusion: _omitted, ...rest } = receipt;
  return canonicalBytes(rest);
}

function requireString(value: unknown, field: string, allowEmpty = false): string {
  if (typeof value !== 'string' || (!allowEmpty && value === '')) {
    throw new TypeError(`${field} must be a ${allowEmpty ? '' : 'non-empty '}string`);
  }
  return value;
}

function requireCount(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new TypeError(`${field} must be a non-negative integer`);
  }
  return value;
}

/**
 * `pubkey` and `kid` of a signing key, computed once per key: a service signs long runs of receipts
 * with one key, whose names would otherwise cost a SHA-256 and two encodings per receipt. Keyed by
 * the key's bytes object and checked against a copy of its contents, so a reused buffer cannot
 * return another key's names.
 */
const keyNames = new WeakMap<Uint8Array, { bytes: Buffer; pubkey: string; kid: string }>();

function namesOf(publicKey: Uint8Array): { pubkey: string; kid: string } {
  const known = keyNames.get(publicKey);
  if (known?.bytes.equals(publicKey)) return known;
  const names = { bytes: Buffer.from(publicKey), pubkey: b64urlEncode(publicKey), kid: kidOf(publicKey) };
  keyNames.set(publicKey, names);
  return names;
}

function buildExt(ext: Omit<ReceiptExt, 'kid'>, kid: string): ReceiptExt {
  if (!(RECEIPT_OPS as readonly string[]).includes(ext.op))
    throw new TypeError(`ext.op ${ext.op} is not allowed`);
  if (!(RECEIPT_STATUSES as readonly string[]).includes(ext.status)) {
    throw new TypeError(`ext.status ${ext.status} is not allowed`);
  }
  const out: ReceiptExt = {
    kid,
    op: ext.op,
    request_id: requireString(ext.request_id, 'ext.request_id'),
    subject: requireString(ext.subject, 'ext.subject'),
    team: requireString(ext.team, 'ext.team', true),
    model: requireString(ext.model, 'ext.model', true),
    backend: requireString(ext.backend, 'ext.backend', true),
    prompt_tokens: requireCount(ext.prompt_tokens, 'ext.prompt_tokens'),
    completion_tokens: requireCount(ext.completion_tokens, 'ext.completion_tokens'),
    status: ext.status,
    log: requireString(ext.log, 'ext.log'),
  };
  if (ext.project !== undefined) out.project = requireString(ext.project, 'ext.project');
  if (ext.task !== undefined) out.task = requireString(ext.task, 'ext.task');
  return out;
}

/**
 * Builds an unsigned receipt, validating every field and sorting `policy_ids`
 * ascending (EVIDENCE.md §1).
 * @throws TypeError for an invalid parameter.
 */
export function buildReceipt(params: BuildReceiptParams): UnsignedReceipt {
  if (!Number.isSafeInteger(params.ts) || params.ts <= 0)
    throw new TypeError('ts must be a positive integer');
  if (params.nonce.length !== NONCE_LENGTH) throw new TypeError(`nonce must be ${NONCE_LENGTH} bytes`);
  if (params.publicKey.length !== ED25519_PUBLIC_KEY_LENGTH)
    throw new TypeError('publicKey must be 32 bytes');
  b64urlDecodeExact(params.inputHash, HASH_LENGTH);
  b64urlDecodeExact(params.outputHash, HASH_LENGTH);
  for (const id of params.policyIds) {
    if (!(POLICY_IDS as readonly string[]).includes(id)) throw new TypeError(`unknown policy id ${id}`);
  }
  const policyIds = [...params.policyIds].sort();
  if (new Set(policyIds).size !== policyIds.length) throw new TypeError('duplicate policy id');
  const names = namesOf(params.publicKey);
  const receipt: UnsignedReceipt = {
    version: TECP_VERSION,
    code_ref: requireString(params.codeRef, 'codeRef'),
    ts: params.ts,
    nonce: b64urlEncode(params.nonce),
    input_hash: params.inputHash,
    output_hash: params.outputHash,
    policy_ids: policyIds,
    pubkey: names.pubkey,
  };
  if (params.ext !== undefined) receipt.ext = buildExt(params.ext, names.kid);
  assertEvidenceSafe(receipt);
  return receipt;
}

/**
 * Signs a receipt with `signer` and returns it with `sig` appended. The
 * signature is verified locally before returning, so a misbehaving remote
 * signer cannot produce receipts that fail verification later.
 * @throws Error when the signer's key is not the receipt's `pubkey` or its signature is invalid.
 */
export async function signReceipt(unsigned: UnsignedReceipt, signer: Ed25519Signer): Promise<Receipt> {
  if (b64urlEncode(signer.publicKey) !== unsigned.pubkey) {
    throw new Error('signer public key does not match receipt pubkey');
  }
  if (unsigned.ext !== undefined && unsigned.ext.kid !== kidOf(signer.publicKey)) {
    throw new Error('ext.kid does not match the signer public key');
  }
  const part = signedPart(unsigned);
  assertEvidenceSafe(part);
  const data = canonicalBytes(part);
  const sig = await signer.sign(data);
  if (!verify(signer.publicKey, data, sig)) {
    throw new Error('signer returned an invalid Ed25519 signature');
  }
  return { ...unsigned, sig: b64urlEncode(sig) };
}
