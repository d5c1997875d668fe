import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { UsageRecorder } from '../usage/index.js';
import type { Admission, Caller } from './limits/limiter.js';
import type { GatewayMetrics } from './metrics.js';
import type {
  AssistantOp,
  CompletedOperation,
  ContentPart,
  ContentStore,
  GatewayOp,
  OperationRecorder,
  OperationStatus,
} from './operation.js';
import { UpstreamError } from './proxy/upstream.js';

/** What a call needs from the module. */
export interface CallDeps {
  log: Logger;
  metrics: GatewayMetrics;
  usage: UsageRecorder;
  evidence?: OperationRecorder | undefined;
  /** Content retention: with mode `full`, the bytes behind each receipt's hashes are stored. */
  retention?: { content: ContentStore; db: Knex } | undefined;
}

/** The result of ending a call. */
export interface CallEnd {
  receipt?: { receipt: Record<string, unknown>; id: string };
  /** Set when a receipt was required but could not be recorded: the result must be withheld. */
  evidenceFailed: boolean;
}

/** Rough tokens of a text when the backend never reported usage (about 4 characters per token). */
const estimateTokens = (chars: number) => Math.ceil(chars / 4);

/**
 * One admitted AI call: its identity, timings, token usage and the single place where it ends
 * (token charge, receipt, usage event, metrics), whatever the outcome.
 */
export class Call {
  readonly startedAt = new Date();
  private readonly started = performance.now();
  /** Aborted (with an UpstreamError) when the client leaves or a timeout fires. */
  readonly controller = new AbortController();
  backend = '';
  promptTokens = 0;
  completionTokens = 0;
  usageKnown = false;
  /** Generated chunks seen, the completion estimate when usage never arrives. */
  chunks = 0;
  ttftMs: number | undefined;
  inputHash: Buffer = Buffer.alloc(0);
  /** Set when the content of this call is retained: the bytes behind `inputHash`, the output cap. */
  retained: { input: Buffer; maxOutputBytes: number } | undefined;
  private ended = false;

  constructor(
    private readonly deps: CallDeps,
    readonly op: GatewayOp | AssistantOp,
    readonly requestId: string,
    readonly caller: Caller,
    /** The model name the client asked for. */
    readonly model: string,
    private readonly admission: Admission,
    private readonly promptChars: () => number,
  ) {}

  /** Whether {@link end} ran. */
  get isEnded(): boolean {
    return this.ended;
  }

  /** Whether receipts are recorded (output hashes are only computed then). */
  get hasEvidence(): boolean {
    return this.deps.evidence !== undefined;
  }

  get cancelled(): boolean {
    const reason: unknown = this.controller.signal.reason;
    return reason instanceof UpstreamError && reason.kind === 'cancelled';
  }

  /** The first generated chunk (or the whole non-streaming answer) arrived. */
  firstToken(): void {
    if (this.ttftMs !== undefined) return;
    this.ttftMs = performance.now() - this.started;
    this.deps.metrics.timeToFirstToken.observe({ model: this.model }, this.ttftMs / 1000);
  }

  /** Takes `usage` of an OpenAI response or usage chunk (`prompt_tokens`, `completion_tokens`). */
  setUsage(usage: unknown): void {
    if (usage === null || typeof usage !== 'object') return;
    const { prompt_tokens: prompt, completion_tokens: completion } = usage as Record<string, unknown>;
    if (typeof prompt === 'number' && Number.isSafeInteger(prompt) && prompt >= 0) {
      this.promptTokens = prompt;
      this.usageKnown = true;
    }
    if (typeof completion === 'number' && Number.isSafeInteger(completion) && completion >= 0) {
      this.completionTokens = completion;
    }
  }

  /** Stores the call's content when it is retained; false when it was not stored. */
  private async retain(output: ContentPart | undefined): Promise<boolean> {
    const retention = this.deps.retention;
    if (!retention || this.retained === undefined || output === undefined) return false;
    try {
      return await retention.content.storeOperation(retention.db, {
        requestId: this.requestId,
        owner: { userId: this.caller.userId, teamId: this.caller.teamId || null },
        op: this.op,
        input: { bytes: this.retained.input, mediaType: 'application/json' },
        output,
      });
    } catch (err) {
      // The receipt then truthfully claims no_retention; the answer itself is not lost.
      this.deps.log.error({ err }, 'content of a call could not be retained');
      return false;
    }
  }

  /**
   * Ends the call before its last byte is sent: charges its tokens, frees its stream slot, stores
   * its content when retained (`output`: the bytes behind `outputHash`), records the receipt
   * (EVIDENCE.md §1.4), and queues its usage event. Called exactly once.
   */
  async end(status: OperationStatus, outputHash: Buffer, output?: ContentPart): Promise<CallEnd> {
    if (this.ended) throw new Error('call ended twice');
    this.ended = true;
    const { log, metrics, usage, evidence } = this.deps;
    const prompt = this.usageKnown ? this.promptTokens : estimateTokens(this.promptChars());
    const completion = this.usageKnown ? this.completionTokens : this.chunks;
    try {
      await this.admission.charge(prompt + completion);
    } catch (err) {
      log.warn({ err }, 'tokens of a call could not be charged');
    }
    this.admission.release();
    const result: CallEnd = { evidenceFailed: false };
    if (evidence) {
      const op: CompletedOperation = {
        op: this.op,
        requestId: this.requestId,
        subject: this.caller.userId,
        team: this.caller.teamId,
        model: this.model,
        backend: this.backend,
        // EVIDENCE.md §1: 0 when unknown; estimates never go into a signed receipt.
        promptTokens: this.usageKnown ? this.promptTokens : 0,
        completionTokens: this.usageKnown ? this.completionTokens : 0,
        status,
        inputHash: this.inputHash,
        outputHash,
        contentRetained: await this.retain(output),
      };
      try {
        result.receipt = await evidence.record(op);
      } catch (err) {
        log.error({ err }, 'receipt could not be recorded: result withheld');
        result.evidenceFailed = true;
      }
    }
    const latencyMs = performance.now() - this.started;
    usage.record({
      id: randomUUID(),
      requestId: this.requestId,
      startedAt: this.startedAt,
      userId: this.caller.userId,
      teamId: this.caller.teamId || null,
      apiKeyId: this.caller.apiKeyId ?? null,
      op: this.op,
      model: this.model,
      backend: this.backend,
      promptTokens: prompt,
      completionTokens: completion,
      tokensEstimated: !this.usageKnown,
      status,
      latencyMs: Math.round(latencyMs),
      ttftMs: this.ttftMs === undefined ? null : Math.round(this.ttftMs),
    });
    metrics.requests.inc({ model: this.model, backend: this.backend, status });
    metrics.duration.observe({ model: this.model, status }, latencyMs / 1000);
    return result;
  }
}
