import { createHash, type Hash } from 'node:crypto';
import type { Knex } from 'knex';
import { canonicalBytes } from '../evidence/core/jcs.js';

/** The OpenAI-compatible operations the gateway performs (`ext.op` of a receipt, EVIDENCE.md §1). */
export type GatewayOp = 'chat_completions' | 'completions' | 'embeddings';

/** The assistant's operations, which call the gateway in-process (`ext.op`, EVIDENCE.md §1). */
export type AssistantOp = 'generate' | 'analyze' | 'chat';

/** Outcome of an operation (`ext.status` of a receipt). */
export type OperationStatus = 'ok' | 'error' | 'cancelled';

/**
 * One finished AI operation, handed to the evidence recorder before the client receives the last
 * byte of the response (EVIDENCE.md §1.4), whatever its outcome.
 */
export interface CompletedOperation {
  op: GatewayOp | AssistantOp;
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
  /** True when the operation's content was stored (the receipt then omits `no_retention`). */
  contentRetained?: boolean;
}

/** Bytes with their media type. */
export interface ContentPart {
  bytes: Buffer;
  mediaType: string;
}

/**
 * Content retention as the gateway and the assistant use it (implemented by the content module):
 * with mode `full`, the bytes behind a receipt's input_hash and output_hash are stored, sealed for
 * their owner.
 */
export interface ContentStore {
  /** The retention mode now (`none` | `full`); cached by the implementation, cheap per call. */
  mode(): Promise<'none' | 'full'>;
  storeOperation(
    db: Knex,
    op: {
      requestId: string;
      owner: { userId: string; teamId: string | null };
      /** The receipt's `ext.op`. */
      op: string;
      project?: string;
      task?: string;
      /** Bytes whose SHA-256 is the receipt's input_hash. */
      input: ContentPart;
      /** Bytes whose SHA-256 is the receipt's output_hash. */
      output: ContentPart;
    },
  ): Promise<boolean>;
}

/**
 * Signs and durably stores a receipt for an operation (implemented by the evidence module). The
 * returned receipt is sent to the client as EVIDENCE.md §1.2 says; `id` becomes `x-tecp-receipt-id`.
 */
export interface OperationRecorder {
  record(op: CompletedOperation): Promise<{ receipt: Record<string, unknown>; id: string }>;
}

/** SHA-256 of some bytes. */
export const sha256 = (bytes: Buffer): Buffer => createHash('sha256').update(bytes).digest();

/** `input_hash` bytes of a JSON request body: SHA-256(JCS(body)) (EVIDENCE.md §1, RFC 8785). */
export function hashJsonInput(body: unknown): Buffer {
  return sha256(canonicalBytes(body));
}

/**
 * The bytes behind `output_hash` of a non-streaming JSON response: JCS of the body without its
 * top-level `tecp_receipt` member (EVIDENCE.md §1).
 */
export function jsonOutputBytes(body: unknown): Buffer {
  if (body !== null && typeof body === 'object' && !Array.isArray(body) && 'tecp_receipt' in body) {
    const { tecp_receipt: _receipt, ...rest } = body as Record<string, unknown>;
    return canonicalBytes(rest);
  }
  return canonicalBytes(body);
}

/**
 * Incremental SHA-256 of the exact bytes written to a client (streaming output, EVIDENCE.md §1).
 * With `keepUpTo` > 0 it also keeps the bytes (content retention) until they exceed that size.
 */
export class OutputHasher {
  private readonly hash: Hash = createHash('sha256');
  private kept: Buffer[] | undefined;
  private keptBytes = 0;

  constructor(private readonly keepUpTo = 0) {
    if (keepUpTo > 0) this.kept = [];
  }

  update(chunk: Buffer | string): void {
    this.hash.update(chunk);
    if (this.kept === undefined) return;
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    this.keptBytes += bytes.length;
    if (this.keptBytes > this.keepUpTo) this.kept = undefined;
    else this.kept.push(bytes);
  }

  digest(): Buffer {
    return this.hash.digest();
  }

  /** Every byte hashed, when they were kept and stayed within the size; else undefined. */
  bytes(): Buffer | undefined {
    return this.kept === undefined ? undefined : Buffer.concat(this.kept);
  }
}

/** The SSE event carrying the receipt, sent just before `data: [DONE]` (EVIDENCE.md §1.2). */
export function receiptEvent(receipt: Record<string, unknown>): string {
  return `data: ${JSON.stringify({ object: 'tecp.receipt', tecp_receipt: receipt })}\n\n`;
}
