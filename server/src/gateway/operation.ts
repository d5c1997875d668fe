import { createHash, type Hash } from 'node:crypto';
import { canonicalBytes } from '../evidence/core/jcs.js';

/** The OpenAI-compatible operations the gateway performs (`ext.op` of a receipt, EVIDENCE.md §1). */
export type GatewayOp = 'chat_completions' | 'completions' | 'embeddings';

/** Outcome of an operation (`ext.status` of a receipt). */
export type OperationStatus = 'ok' | 'error' | 'cancelled';

/**
 * One finished AI operation, handed to the evidence recorder before the client receives the last
 * byte of the response (EVIDENCE.md §1.4), whatever its outcome.
 */
export interface CompletedOperation {
  op: GatewayOp;
  /** The request id (UUID), also returned as `x-request-id`. */
  requestId: string;
  /** The appliance user id of the caller. */
  subject: string;
  /** The caller's team id, or `""`. */
  team: string;
  /** The model name the client asked for (before alias resolution). */
  model: string;
  /** Id of the replica that served it, `""` when none was reached. */
  backend: string;
  /** Tokens reported by the backend; 0 when unknown. */
  promptTokens: number;
  completionTokens: number;
  status: OperationStatus;
  /** SHA-256 of UTF-8 JCS (RFC 8785) of the parsed request body (EVIDENCE.md §1). */
  inputHash: Buffer;
  /**
   * SHA-256 of UTF-8 JCS of the JSON response without `tecp_receipt` (non-streaming), or of the
   * exact bytes written to the client before the receipt event (streaming), EVIDENCE.md §1.
   */
  outputHash: Buffer;
}

/**
 * Signs and durably stores a receipt for an operation (implemented by the evidence module). The
 * returned receipt is sent to the client as EVIDENCE.md §1.2 says; `id` becomes `x-tecp-receipt-id`.
 */
export interface OperationRecorder {
  record(op: CompletedOperation): Promise<{ receipt: Record<string, unknown>; id: string }>;
}

/** `input_hash` bytes of a JSON request body: SHA-256(JCS(body)) (EVIDENCE.md §1, RFC 8785). */
export function hashJsonInput(body: unknown): Buffer {
  return createHash('sha256').update(canonicalBytes(body)).digest();
}

/**
 * `output_hash` bytes of a non-streaming JSON response: SHA-256 of JCS of the body without its
 * top-level `tecp_receipt` member (EVIDENCE.md §1).
 */
export function hashJsonOutput(body: unknown): Buffer {
  if (body !== null && typeof body === 'object' && !Array.isArray(body) && 'tecp_receipt' in body) {
    const { tecp_receipt: _receipt, ...rest } = body as Record<string, unknown>;
    return createHash('sha256').update(canonicalBytes(rest)).digest();
  }
  return createHash('sha256').update(canonicalBytes(body)).digest();
}

/** Incremental SHA-256 of the exact bytes written to a client (streaming output, EVIDENCE.md §1). */
export class OutputHasher {
  private readonly hash: Hash = createHash('sha256');

  update(chunk: Buffer | string): void {
    this.hash.update(chunk);
  }

  digest(): Buffer {
    return this.hash.digest();
  }
}

/** The SSE event carrying the receipt, sent just before `data: [DONE]` (EVIDENCE.md §1.2). */
export function receiptEvent(receipt: Record<string, unknown>): string {
  return `data: ${JSON.stringify({ object: 'tecp.receipt', tecp_receipt: receipt })}\n\n`;
}
