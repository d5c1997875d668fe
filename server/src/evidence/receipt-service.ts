/**
 * The receipt service: builds and signs one TECP-0.1 receipt per AI operation (EVIDENCE.md §1) and
 * durably appends it to the receipts log's queue before answering (§1.4). It implements the gateway's
 * `OperationRecorder`; the assistant's operations use the same entry point.
 */
import { sign } from 'node:crypto';
import type { CompletedOperation, OperationRecorder } from '../gateway/operation.js';
import { AppError } from '../platform/errors.js';
import {
  b64urlEncode,
  buildReceipt,
  newNonce,
  type PolicyId,
  type Receipt,
  type ReceiptOp,
  receiptLeafData,
  signedBytes,
} from './core/index.js';
import type { SigningKey } from './keys/key-ring.js';
import type { LogDescriptor } from './logs.js';
import type { ReceiptAppender } from './store/receipt-appender.js';

/** An operation to record: the gateway's `CompletedOperation`, widened to every receipt op. */
export interface OperationInput extends Omit<CompletedOperation, 'op'> {
  op: ReceiptOp;
  /** Project and task ids when the operation belongs to one (assistant). */
  project?: string;
  task?: string;
  /** True when the operation's prompt or response content was retained (no `no_retention` claim). */
  contentRetained?: boolean;
}

/** A recorded receipt: `id` is `p<leaf id>` until the sequencer integrates it, then its log index. */
export interface RecordedReceipt {
  receipt: Record<string, unknown>;
  id: string;
  leafId: number;
}

export interface ReceiptServiceDeps {
  codeRef: string;
  receiptsLog: LogDescriptor;
  key: () => SigningKey;
  appender: Pick<ReceiptAppender, 'append'>;
  /** Claim `no_model_training` (configuration `evidence.policies.noModelTraining`). */
  noModelTraining: boolean;
  now?: () => number;
  /** Called after each receipt is stored (metrics). */
  onRecorded?: (op: OperationInput) => void;
}

/** Longest `model`, `backend`, `project` and `task` recorded; longer client-supplied values are cut. */
export const MAX_NAME_LENGTH = 256;

/** A client-supplied name as recorded: at most `MAX_NAME_LENGTH` UTF-16 units, never a lone surrogate. */
export function recordedName(value: string): string {
  if (value.length <= MAX_NAME_LENGTH) return value;
  const cut = value.slice(0, MAX_NAME_LENGTH);
  return /[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The pending form of a receipt id (a leaf id), never confused with a log index. */
export const pendingId = (leafId: number): string => `p${leafId}`;

function requireUuid(value: string, field: string): void {
  if (!UUID.test(value)) throw new AppError('INTERNAL', `Receipt ${field} must be a lowercase UUID.`);
}

/**
 * EVIDENCE.md §2: leaf data = UTF-8 JCS of the signed receipt. RFC 8785 §3.2.3 sorts the members, and
 * `sig` sorts after every signed member but `ts` and `version`, so the leaf is the signed bytes with
 * `,"sig":"…"` inserted before `,"ts":`: one serialization instead of two. The fixed suffix is checked,
 * and anything unexpected falls back to a full serialization.
 */
export function leafDataOf(signed: Buffer, receipt: Receipt): Buffer {
  const suffix = Buffer.from(`,"ts":${receipt.ts},"version":${JSON.stringify(receipt.version)}}`, 'utf8');
  const plain = Object.keys(receipt).every(
    (k) => k !== 'environment' && k !== 'key_erasure' && k !== 'log_inclusion',
  );
  if (!plain || !signed.subarray(signed.length - suffix.length).equals(suffix))
    return receiptLeafData(receipt);
  return Buffer.concat([
    signed.subarray(0, signed.length - suffix.length),
    Buffer.from(`,"sig":${JSON.stringify(receipt.sig)}`, 'utf8'),
    suffix,
  ]);
}

export class ReceiptService implements OperationRecorder {
  constructor(private readonly deps: ReceiptServiceDeps) {}

  /** EVIDENCE.md §1.3: only policies the appliance enforced for this operation. */
  policies(op: OperationInput): PolicyId[] {
    const ids: PolicyId[] = ['audit_trail'];
    if (this.deps.noModelTraining) ids.push('no_model_training');
    if (op.contentRetained !== true) ids.push('no_retention');
    return ids;
  }

  /**
   * Signs the receipt of `op` and returns once it is committed in the receipts log's queue.
   * @throws AppError EVIDENCE_UNAVAILABLE when it cannot be stored (the caller withholds the result).
   */
  async record(op: OperationInput): Promise<RecordedReceipt> {
    requireUuid(op.subject, 'subject');
    requireUuid(op.requestId, 'request_id');
    if (op.team !== '') requireUuid(op.team, 'team');
    const key = this.deps.key();
    const ts = (this.deps.now ?? Date.now)();
    const unsigned = buildReceipt({
      codeRef: this.deps.codeRef,
      ts,
      nonce: newNonce(),
      inputHash: b64urlEncode(op.inputHash),
      outputHash: b64urlEncode(op.outputHash),
      policyIds: this.policies(op),
      publicKey: key.publicKey,
      ext: {
        op: op.op,
        request_id: op.requestId,
        subject: op.subject,
        team: op.team,
        model: recordedName(op.model),
        backend: recordedName(op.backend),
        prompt_tokens: op.promptTokens,
        completion_tokens: op.completionTokens,
        status: op.status,
        log: this.deps.receiptsLog.origin,
        ...(op.project === undefined ? {} : { project: recordedName(op.project) }),
        ...(op.task === undefined ? {} : { task: recordedName(op.task) }),
      },
    });
    const data = signedBytes(unsigned);
    // RFC 8032 §5.1.6 with the local key; a remote signer checks its answer (KeyRing, checkedSigner).
    const sig = key.privateKey !== undefined ? sign(null, data, key.privateKey) : await key.signer.sign(data);
    const receipt: Receipt = { ...unsigned, sig: b64urlEncode(sig) };
    const leafId = await this.deps.appender.append({
      data: leafDataOf(data, receipt),
      ts,
      subject: op.subject,
      team: op.team === '' ? null : op.team,
      model: recordedName(op.model),
      op: op.op,
      status: op.status,
      requestId: op.requestId,
    });
    this.deps.onRecorded?.(op);
    return { receipt: { ...receipt }, id: pendingId(leafId), leafId };
  }
}
