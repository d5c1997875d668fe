/**
 * In-browser check of a TECP-0.1 receipt's Ed25519 signature (EVIDENCE.md §1): the signed bytes are
 * UTF-8 JCS of the receipt without `sig`, `environment`, `key_erasure` and `log_inclusion`.
 */
import { Base64Error, b64urlDecode, b64urlEncode } from './base64.js';
import { ED25519_PUBLIC_KEY_LENGTH, ED25519_SIGNATURE_LENGTH, ed25519Verify, sha256 } from './crypto.js';
import { canonicalBytes, canonicalize } from './jcs.js';

/** The AI-LA metadata inside a receipt (signed). */
export interface ReceiptExt {
  kid: string;
  op: string;
  request_id: string;
  subject: string;
  team: string;
  model: string;
  backend: string;
  prompt_tokens: number;
  completion_tokens: number;
  status: string;
  log: string;
  project?: string;
  task?: string;
}

/** A TECP-0.1 receipt as the appliance returns it. */
export interface Receipt {
  version: string;
  code_ref: string;
  ts: number;
  nonce: string;
  input_hash: string;
  output_hash: string;
  policy_ids: string[];
  pubkey: string;
  ext?: ReceiptExt;
  sig: string;
  environment?: unknown;
  key_erasure?: unknown;
  log_inclusion?: unknown;
}

/** Top-level members the TECP verifier leaves out of the signed bytes. */
export const UNSIGNED_KEYS = ['sig', 'environment', 'key_erasure', 'log_inclusion'] as const;

/** The receipt object whose JCS bytes are signed. */
export function signedPart(receipt: Receipt): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...receipt };
  for (const key of UNSIGNED_KEYS) delete copy[key];
  return copy;
}

/** The canonical text that was signed, for display. */
export const signedText = (receipt: Receipt): string => canonicalize(signedPart(receipt));

/** Leaf data of the receipts log: JCS of the receipt without `log_inclusion` (EVIDENCE.md §2). */
export function leafData(receipt: Receipt): Uint8Array {
  const copy: Record<string, unknown> = { ...receipt };
  delete copy.log_inclusion;
  return canonicalBytes(copy);
}

/** Outcome of the in-browser signature check. */
export interface LocalReceiptCheck {
  /** The Ed25519 signature over the JCS bytes verifies with `pubkey`. */
  signature: boolean;
  /** `ext.kid` is b64url(SHA-256(pubkey)) (true when the receipt has no `ext`). */
  kid: boolean;
  /** Why a check failed, in words. */
  problems: string[];
}

function decodeField(value: unknown, length: number, name: string, problems: string[]): Uint8Array | null {
  if (typeof value !== 'string') {
    problems.push(`${name} is missing`);
    return null;
  }
  try {
    const bytes = b64urlDecode(value);
    if (bytes.length === length) return bytes;
    problems.push(`${name} is ${bytes.length} bytes, not ${length}`);
  } catch (err) {
    if (!(err instanceof Base64Error)) throw err;
    problems.push(`${name} is not base64url`);
  }
  return null;
}

/** Verifies the receipt's signature and key id with WebCrypto, independently of the server. */
export async function verifyReceiptLocally(receipt: Receipt): Promise<LocalReceiptCheck> {
  const problems: string[] = [];
  const pubkey = decodeField(receipt.pubkey, ED25519_PUBLIC_KEY_LENGTH, 'pubkey', problems);
  const sig = decodeField(receipt.sig, ED25519_SIGNATURE_LENGTH, 'sig', problems);
  let signature = false;
  let kid = receipt.ext === undefined;
  if (pubkey) {
    if (receipt.ext !== undefined) {
      kid = b64urlEncode(await sha256(pubkey)) === receipt.ext.kid;
      if (!kid) problems.push('ext.kid is not the SHA-256 of pubkey');
    }
    if (sig) {
      let data: Uint8Array | null = null;
      try {
        data = canonicalBytes(signedPart(receipt));
      } catch (err) {
        problems.push(`the receipt cannot be canonicalized: ${(err as Error).message}`);
      }
      if (data) {
        signature = await ed25519Verify(pubkey, sig, data);
        if (!signature) problems.push('the Ed25519 signature does not match the signed bytes');
      }
    }
  }
  return { signature, kid, problems };
}
