/**
 * `POST /api/v1/tecp/verify` (EVIDENCE.md §2.3): verifies a presented receipt against everything the
 * appliance knows: its signature and schema, the published key set (archival mode, no age limit), its
 * presence in the receipts log, its inclusion proof and the signature of the checkpoint it leads to.
 */
import type { Knex } from 'knex';
import {
  leafHash,
  NoteError,
  noteVerifier,
  openCheckpoint,
  type Receipt,
  receiptLeafData,
  verifyInclusion,
  verifyReceipt,
} from './core/index.js';
import { toPinnedKey } from './keys/key-repository.js';
import type { KeyRing } from './keys/key-ring.js';
import type { LogDescriptor } from './logs.js';
import type { ProofService } from './proofs.js';
import { receiptsAt } from './store/receipt-repository.js';
import { withConnection } from './store/sql.js';

/** TECP verifier error codes of the transparency-log checks (TECP-0.1 error registry). */
export const TECP_LOG_ERROR_CODES = {
  'E-LOG-001': 'Log inclusion proof missing',
  'E-LOG-002': 'Log inclusion proof invalid',
  'E-LOG-003': 'Root hash mismatch',
  'E-LOG-004': 'Log service unavailable',
} as const;

export interface VerifyChecks {
  schema: boolean;
  signature: boolean;
  key_known: boolean;
  in_log: boolean;
  inclusion_proof: boolean;
  checkpoint_signature: boolean;
}

export interface VerifyResult {
  valid: boolean;
  checks: VerifyChecks;
  errors: Array<{ code: string; message: string; field: string }>;
  /** Where the receipt is, when found. */
  log?: { origin: string; index: number; size: number };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const isRecord = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

export class VerifyService {
  constructor(
    private readonly db: Knex,
    private readonly keys: KeyRing,
    private readonly proofs: ProofService,
    private readonly receiptsLog: LogDescriptor,
  ) {}

  async verify(receipt: unknown): Promise<VerifyResult> {
    const stored = await this.keys.stored();
    const base = verifyReceipt(receipt, {
      archival: true,
      keys: stored.filter((k) => k.purpose === 'receipts').map(toPinnedKey),
    });
    const checks: VerifyChecks = {
      schema: base.checks.schema,
      signature: base.checks.signature,
      key_known: base.checks.key_known === true,
      in_log: false,
      inclusion_proof: false,
      checkpoint_signature: false,
    };
    const errors: VerifyResult['errors'] = [...base.errors];
    const result: VerifyResult = { valid: false, checks, errors };
    if (!checks.schema || !isRecord(receipt)) return result;

    const r = receipt as unknown as Receipt;
    const logKeys = stored.filter((k) => k.purpose === `log:${this.receiptsLog.name}`);
    const missing = (message: string) => errors.push({ code: 'E-LOG-001', message, field: 'ext.log' });
    if (r.ext === undefined || r.ext.log !== this.receiptsLog.origin) {
      missing(`the receipt does not name this appliance's receipts log (${this.receiptsLog.origin})`);
      return result;
    }
    const data = receiptLeafData(r);
    const subject = r.ext.subject;
    const candidates = UUID.test(subject)
      ? await withConnection(this.db, (c) => receiptsAt(c, subject, r.ts))
      : [];
    const found = candidates.find((c) => c.data.equals(data));
    if (found === undefined) missing('the receipt is not in the receipts log');
    else if (found.index === null)
      missing('the receipt is stored but not yet integrated; retry within a second');
    if (found?.index === undefined || found.index === null) return this.#finish(result);
    checks.in_log = true;

    const proof = await this.proofs.inclusion(this.receiptsLog, found.index);
    let root: Buffer | undefined;
    try {
      const verifiers = logKeys.map((k) => noteVerifier(this.receiptsLog.origin, k.publicKey));
      root = openCheckpoint(proof.checkpoint.note, verifiers, this.receiptsLog.origin).checkpoint.rootHash;
      checks.checkpoint_signature = true;
    } catch (err) {
      if (!(err instanceof NoteError)) throw err;
      errors.push({ code: 'E-LOG-003', message: `checkpoint: ${err.message}`, field: 'log_inclusion' });
    }
    // RFC 9162 §2.1.3.2 against the root the signed checkpoint states.
    checks.inclusion_proof =
      root !== undefined && verifyInclusion(proof.index, proof.size, leafHash(data), proof.hashes, root);
    if (root !== undefined && !checks.inclusion_proof) {
      errors.push({
        code: 'E-LOG-002',
        message: 'the inclusion proof does not verify',
        field: 'log_inclusion',
      });
    }
    result.log = { origin: this.receiptsLog.origin, index: found.index, size: proof.size };
    return this.#finish(result);
  }

  #finish(result: VerifyResult): VerifyResult {
    result.valid = result.errors.length === 0 && Object.values(result.checks).every(Boolean);
    return result;
  }
}
