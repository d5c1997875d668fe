/**
 * Runs one assistant operation end to end, whatever it does: the gateway call (in-process), the
 * answer as JSON or server-sent events, its content when retention is `full`, exactly one TECP
 * receipt (EVIDENCE.md §1, failed and cancelled operations included), and its metadata row.
 *
 * Bytes behind the receipt's hashes: input_hash covers the request as sent (UTF-8 JCS of the JSON
 * body, or the raw bytes of an uploaded archive); output_hash covers UTF-8 JCS of the JSON answer
 * without `tecp_receipt`, or every byte of the event stream written before the receipt event (an
 * operation cancelled before any byte was written: the empty string).
 */
import type { Request, Response } from 'express';
import type { Knex } from 'knex';
import { canonicalBytes } from '../../evidence/core/jcs.js';
import type { OperationInput } from '../../evidence/index.js';
import {
  type AssistantOp,
  type Caller,
  type ContentPart,
  type InternalGateway,
  type InternalResult,
  sha256,
} from '../../gateway/index.js';
import { AppError } from '../../platform/errors.js';
import { type AssistantContent, retains } from '../content.js';
import type { AssistantMetrics } from '../metrics.js';
import type { PromptTemplate } from '../prompts/templates.js';
import { EventWriter } from './events.js';
import { insertOperation, operationExists } from './repository.js';

/** What records receipts (the evidence module's ReceiptService). */
export interface ReceiptRecorder {
  record(op: OperationInput): Promise<{ receipt: Record<string, unknown>; id: string }>;
}

export interface RunnerDeps {
  db: Knex;
  gateway: InternalGateway;
  receipts: ReceiptRecorder;
  content: AssistantContent | undefined;
  /** Largest event stream kept for retention (the gateway's maxResponseBytes). */
  maxRetainedBytes: number;
  metrics: AssistantMetrics;
}

/** One operation to run. */
export interface OperationSpec {
  op: AssistantOp;
  req: Request;
  res: Response;
  caller: Caller;
  stream: boolean;
  /** The bytes behind input_hash, with their media type. */
  input: ContentPart;
  template: PromptTemplate;
  model: string;
  project?: string | undefined;
  task?: string | undefined;
  conversation?: string | undefined;
}

/** How an operation's work ended. */
export type WorkOutcome =
  | {
      status: 'ok';
      body: Record<string, unknown>;
      /** Counts for the metadata row (never content). */
      summary: Record<string, unknown>;
      /** Saves what the operation keeps (conversation messages); returns whether it sealed content. */
      commit?: (retained: boolean) => Promise<boolean>;
    }
  | { status: 'error'; error: AppError }
  | { status: 'cancelled' };

/** What the work of an operation can use. */
export interface WorkContext {
  /** Streams an event (nothing for a JSON answer). */
  emit(event: Record<string, unknown>): void;
  /** The chat completion through the gateway (once per operation). */
  complete(body: Record<string, unknown>, onDelta?: (text: string) => void): Promise<InternalResult>;
}

/** The appliance's error body (as the platform error handler renders it). */
export const errorBody = (error: AppError, requestId: string) => ({
  error: {
    code: error.code,
    message: error.message,
    ...(error.details === undefined ? {} : { details: error.details }),
    request_id: requestId,
  },
});

export class OperationRunner {
  constructor(private readonly deps: RunnerDeps) {}

  /**
   * Runs `work` as the operation `spec`. Refusals before the gateway admits the call (unknown
   * model, rate limits, quotas) are thrown as they are, with no receipt, as on `/v1`.
   */
  async run(spec: OperationSpec, work: (ctx: WorkContext) => Promise<WorkOutcome>): Promise<void> {
    const { req, res } = spec;
    const { db } = this.deps;
    if (await operationExists(db, req.id))
      throw new AppError('CONFLICT', 'An operation with this x-request-id exists; send a new request id.');
    const startedAt = new Date();
    const retained = await retains(this.deps.content);
    const abort = new AbortController();
    res.once('close', () => {
      if (!res.writableFinished) abort.abort();
    });
    const events = spec.stream ? new EventWriter(res, retained ? this.deps.maxRetainedBytes : 0) : undefined;
    let call: InternalResult | undefined;
    let admitted = false;
    const ctx: WorkContext = {
      emit: (event) => events?.send(event),
      complete: async (body, onDelta) => {
        call = await this.deps.gateway.complete({
          caller: spec.caller,
          requestId: req.id,
          op: spec.op,
          body,
          signal: abort.signal,
          log: req.log,
          onAdmitted: (headers) => {
            admitted = true;
            events?.send(
              {
                object: 'assistant.progress',
                stage: 'started',
                request_id: req.id,
                model: spec.model,
                template: { id: spec.template.id, version: spec.template.version },
              },
              headers,
            );
          },
          ...(onDelta ? { onDelta } : {}),
        });
        return call;
      },
    };
    let outcome: WorkOutcome;
    try {
      outcome = await work(ctx);
    } catch (err) {
      if (!admitted) throw err;
      if (!(err instanceof AppError)) req.log.error({ err }, 'assistant operation failed');
      outcome = { status: 'error', error: err instanceof AppError ? err : new AppError('INTERNAL') };
    }
    if (abort.signal.aborted) outcome = { status: 'cancelled' };
    let sealed = false;
    if (outcome.status === 'ok' && outcome.commit) {
      try {
        sealed = await outcome.commit(retained);
      } catch (err) {
        req.log.error({ err }, 'assistant operation could not be saved');
        outcome = { status: 'error', error: new AppError('INTERNAL') };
      }
    }
    await this.finish(spec, outcome, { events, call, retained, sealed, startedAt });
  }

  /** Answers (JSON or the last events), stores content, records the receipt and the metadata row. */
  private async finish(
    spec: OperationSpec,
    outcome: WorkOutcome,
    s: {
      events: EventWriter | undefined;
      call: InternalResult | undefined;
      retained: boolean;
      sealed: boolean;
      startedAt: Date;
    },
  ): Promise<void> {
    const { req, res } = spec;
    const { events, call } = s;
    const failed = outcome.status === 'error' ? outcome.error : undefined;
    const body = outcome.status === 'ok' ? outcome.body : failed ? errorBody(failed, req.id) : undefined;
    let output: { hash: Buffer; bytes: Buffer | undefined; mediaType: string };
    if (events) {
      if (body) events.send(failed ? { object: 'error', ...body } : body, call?.headers);
      output = { ...events.output(), mediaType: 'text/event-stream' };
    } else {
      const bytes = body ? canonicalBytes(body) : Buffer.alloc(0);
      output = { hash: sha256(bytes), bytes, mediaType: 'application/json' };
    }
    const kept = output.bytes;
    const stored =
      s.retained && kept ? await this.store(spec, { bytes: kept, mediaType: output.mediaType }) : false;
    const status = outcome.status;
    let recorded: { receipt: Record<string, unknown>; id: string };
    try {
      recorded = await this.deps.receipts.record({
        op: spec.op,
        requestId: req.id,
        subject: spec.caller.userId,
        team: spec.caller.teamId,
        model: call?.model ?? spec.model,
        backend: call?.backend ?? '',
        promptTokens: call?.promptTokens ?? 0,
        completionTokens: call?.completionTokens ?? 0,
        status,
        inputHash: sha256(spec.input.bytes),
        outputHash: output.hash,
        contentRetained: stored || s.sealed,
        ...(spec.project ? { project: spec.project } : {}),
        ...(spec.task ? { task: spec.task } : {}),
      });
    } catch (err) {
      req.log.error({ err }, 'receipt could not be recorded: result withheld');
      if (events?.started) res.destroy();
      else if (!res.destroyed) throw new AppError('EVIDENCE_UNAVAILABLE');
      return;
    }
    const labels = { op: spec.op, status };
    this.deps.metrics.operations.inc(labels);
    this.deps.metrics.duration.observe(labels, (Date.now() - s.startedAt.getTime()) / 1000);
    await insertOperation(this.deps.db, {
      request_id: req.id,
      user_id: spec.caller.userId,
      team_id: spec.caller.teamId || null,
      op: spec.op,
      project_id: spec.project ?? null,
      task_id: spec.task ?? null,
      conversation_id: outcome.status === 'ok' ? (spec.conversation ?? null) : null,
      template_id: spec.template.id,
      template_version: spec.template.version,
      model: call?.model ?? spec.model,
      backend: call?.backend ?? '',
      status,
      error_code: failed?.code ?? null,
      prompt_tokens: call?.promptTokens ?? 0,
      completion_tokens: call?.completionTokens ?? 0,
      streamed: spec.stream,
      content_retained: stored || s.sealed,
      receipt_id: recorded.id,
      input_hash: sha256(spec.input.bytes),
      output_hash: output.hash,
      summary: outcome.status === 'ok' ? outcome.summary : {},
      created_at: s.startedAt,
      finished_at: new Date(),
    }).catch((err: unknown) => req.log.error({ err }, 'assistant operation metadata could not be written'));
    if (events) {
      if (events.started) events.finish(recorded.receipt);
      return;
    }
    if (res.destroyed || !body) return;
    res.status(failed ? failed.status : 200);
    for (const [name, value] of Object.entries({ ...(call?.headers ?? {}), ...(failed?.headers ?? {}) }))
      res.setHeader(name, value);
    res.setHeader('x-tecp-receipt-id', recorded.id);
    res.json({ ...body, tecp_receipt: recorded.receipt });
  }

  /** Stores the operation's content; false (logged) when it could not be. */
  private async store(spec: OperationSpec, output: ContentPart): Promise<boolean> {
    try {
      const stored = await this.deps.content?.storeOperation(this.deps.db, {
        requestId: spec.req.id,
        owner: { userId: spec.caller.userId, teamId: spec.caller.teamId || null },
        op: spec.op,
        ...(spec.project ? { project: spec.project } : {}),
        ...(spec.task ? { task: spec.task } : {}),
        input: spec.input,
        output: { bytes: output.bytes, mediaType: output.mediaType },
      });
      return stored === true;
    } catch (err) {
      spec.req.log.error({ err }, 'content of an assistant operation could not be retained');
      return false;
    }
  }
}
