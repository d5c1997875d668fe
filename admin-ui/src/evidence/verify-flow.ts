/**
 * The full check of a receipt the UI offers: in the browser (Ed25519 signature over the JCS bytes,
 * key id, and for a fresh answer the input and output hashes over exactly what this browser sent
 * and received), by the appliance (`POST /api/v1/tecp/verify`), and again in the browser: the
 * inclusion proof recomputed against the checkpoint signed by the log key.
 */
import { evidence, type VerifyResult } from '../api/evidence.js';
import { b64urlEncode } from './base64.js';
import { sha256 } from './crypto.js';
import { type InclusionCheck, verifyReceiptInclusion } from './inclusion.js';
import { canonicalBytes } from './jcs.js';
import { type LocalReceiptCheck, type Receipt, verifyReceiptLocally } from './receipt.js';

export interface ReceiptVerification {
  local: LocalReceiptCheck;
  /** `input_hash` = SHA-256(JCS(request body)); undefined when the request is not known here. */
  inputMatches?: boolean;
  /** `output_hash` = SHA-256(bytes before the receipt event); undefined when not known here. */
  outputMatches?: boolean;
  server: VerifyResult;
  /** The browser's own recomputation of the inclusion proof, once the receipt is in the log. */
  inclusion?: InclusionCheck;
  /** Signed and stored, not yet integrated into the log. */
  pending: boolean;
  valid: boolean;
}

let vkeys: Promise<Record<'receipts' | 'audit', string>> | undefined;
/** The logs' verifier keys, fetched once per page load. */
export function logVerifierKeys(): Promise<Record<'receipts' | 'audit', string>> {
  vkeys ??= evidence.vkeys().catch((err: unknown) => {
    vkeys = undefined;
    throw err;
  });
  return vkeys;
}

export async function verifyReceiptEverywhere(input: {
  receipt: Receipt;
  requestBody?: unknown;
  /** The request's bytes when it was not JSON (an uploaded archive): input_hash is their SHA-256. */
  inputBytes?: Uint8Array;
  outputBytes?: Uint8Array | null;
}): Promise<ReceiptVerification> {
  const { receipt } = input;
  const local = await verifyReceiptLocally(receipt);
  const result: Omit<ReceiptVerification, 'server' | 'pending' | 'valid'> = { local };
  if (input.requestBody !== undefined || input.inputBytes) {
    const bytes = input.inputBytes ?? canonicalBytes(input.requestBody);
    result.inputMatches = b64urlEncode(await sha256(bytes)) === receipt.input_hash;
  }
  if (input.outputBytes) {
    result.outputMatches = b64urlEncode(await sha256(input.outputBytes)) === receipt.output_hash;
  }
  const server = await evidence.verify(receipt);
  const pending = !server.checks.in_log && server.errors.some((e) => /not yet integrated/.test(e.message));
  let inclusion: InclusionCheck | undefined;
  if (server.log) {
    const [proof, keys] = await Promise.all([
      evidence.proof('receipts', server.log.index),
      logVerifierKeys(),
    ]);
    inclusion = await verifyReceiptInclusion(receipt, proof, keys.receipts);
  }
  const valid =
    local.signature &&
    local.kid &&
    result.inputMatches !== false &&
    result.outputMatches !== false &&
    server.valid &&
    inclusion?.ok === true;
  return { ...result, server, ...(inclusion ? { inclusion } : {}), pending, valid };
}
