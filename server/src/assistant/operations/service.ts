/**
 * The assistant's operations as the routes call them: input checks and placement (project, task,
 * conversation) first, with plain 4xx answers and no receipt; then the operation itself through
 * the runner, which answers with exactly one receipt.
 */
import { randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';
import type { Knex } from 'knex';
import { CanonicalizationError, canonicalBytes } from '../../evidence/core/jcs.js';
import type { Caller, ContentPart, GatewayService } from '../../gateway/index.js';
import { AppError } from '../../platform/errors.js';
import type { AssistantConfig } from '../config-schema.js';
import type { ConversationService } from '../conversations/service.js';
import { decodeCursor, pageOf } from '../paging.js';
import { presentOperation } from '../presenters.js';
import type { Viewer } from '../projects/repository.js';
import type { ProjectService } from '../projects/service.js';
import type { PromptLibrary } from '../prompts/templates.js';
import type { AnalyzeBody, AnalyzeQuery, ChatBody, GenerateBody } from '../schemas.js';
import { type AnalysisInput, analyzeWork, archiveSources, jsonSources } from './analyze.js';
import { type ConversationTarget, chatContext, chatWork, checkMessages } from './chat.js';
import { chooseModel, type Placement, type Plan } from './common.js';
import { checkInputFiles, generateWork } from './generate.js';
import { findOperation, listOperations, type OperationRow } from './repository.js';
import type { OperationRunner } from './runner.js';

export interface OperationServiceDeps {
  db: Knex;
  config: AssistantConfig;
  runner: OperationRunner;
  models: GatewayService;
  prompts: PromptLibrary;
  projects: ProjectService;
  conversations: ConversationService;
  caller: (req: Request) => Caller;
  viewer: (req: Request) => Promise<Viewer>;
}

/** input_hash bytes of a JSON request: UTF-8 JCS of the body as sent (EVIDENCE.md §1, RFC 8785). */
function jsonInput(body: unknown): ContentPart {
  try {
    return { bytes: canonicalBytes(body), mediaType: 'application/json' };
  } catch (err) {
    if (!(err instanceof CanonicalizationError)) throw err;
    throw new AppError('VALIDATION_FAILED', `The request body cannot be canonicalized: ${err.message}.`);
  }
}

export class OperationService {
  constructor(private readonly deps: OperationServiceDeps) {}

  /** The caller's operations, newest first. */
  async list(
    userId: string,
    q: { project_id?: string; task_id?: string; op?: OperationRow['op']; cursor?: string; limit: number },
  ) {
    const rows = await listOperations(this.deps.db, userId, {
      projectId: q.project_id,
      taskId: q.task_id,
      op: q.op,
      after: decodeCursor(q.cursor),
      limit: q.limit,
    });
    return pageOf(rows, q.limit, (o) => ({ at: o.created_at, id: o.request_id }), presentOperation);
  }

  /** One of the caller's operations (by request id), or NOT_FOUND. */
  async get(userId: string, requestId: string) {
    const row = await findOperation(this.deps.db, userId, requestId);
    if (!row) throw new AppError('NOT_FOUND', 'No such operation.');
    return presentOperation(row);
  }

  /** The project and task of a request, checked visible (404 otherwise; task_id needs project_id). */
  private async placement(viewer: Viewer, q: { project_id?: string; task_id?: string }, where: string) {
    if (q.task_id && !q.project_id)
      throw new AppError('VALIDATION_FAILED', undefined, [
        { field: `${where}.project_id`, message: 'is required with task_id' },
      ]);
    const project = q.project_id ? await this.deps.projects.project(viewer, q.project_id) : undefined;
    const task =
      q.project_id && q.task_id ? await this.deps.projects.task(viewer, q.project_id, q.task_id) : undefined;
    return { project, task, ids: { project: project?.id, task: task?.id } satisfies Placement };
  }

  private async plan(
    req: Request,
    templateId: string,
    model: string | undefined,
    placement: Placement,
    stream: boolean,
  ) {
    const caller = this.deps.caller(req);
    const plan: Plan = {
      requestId: req.id,
      template: this.deps.prompts.current(templateId),
      model: await chooseModel(model, this.deps.config, this.deps.models, caller),
      config: this.deps.config,
      placement,
      stream,
    };
    return { caller, plan };
  }

  private spec(
    req: Request,
    res: Response,
    caller: Caller,
    plan: Plan,
    op: 'generate' | 'analyze' | 'chat',
    input: ContentPart,
  ) {
    return {
      op,
      req,
      res,
      caller,
      stream: plan.stream,
      input,
      template: plan.template,
      model: plan.model,
      project: plan.placement.project,
      task: plan.placement.task,
    };
  }

  async generate(req: Request, res: Response, body: GenerateBody): Promise<void> {
    const input = jsonInput(req.body);
    checkInputFiles(body, this.deps.config.generate);
    const { ids } = await this.placement(await this.deps.viewer(req), body, 'body');
    const { caller, plan } = await this.plan(req, 'generate', body.model, ids, body.stream === true);
    await this.deps.runner.run(
      this.spec(req, res, caller, plan, 'generate', input),
      generateWork(body, plan),
    );
  }

  /** A JSON request (`files`) or an uploaded archive (`upload`, placement in the query). */
  async analyze(
    req: Request,
    res: Response,
    request: { body: AnalyzeBody } | { upload: Buffer; query: AnalyzeQuery },
  ): Promise<void> {
    const json = 'body' in request;
    const input: ContentPart = json
      ? jsonInput(req.body)
      : { bytes: request.upload, mediaType: 'application/gzip' };
    const options = json ? request.body : request.query;
    const focus = json ? (request.body.focus ?? []) : (request.query.focus?.split(',') ?? []);
    const sources: AnalysisInput = json
      ? jsonSources(request.body.files, this.deps.config.analyze)
      : await archiveSources(request.upload, this.deps.config.analyze);
    const { ids } = await this.placement(await this.deps.viewer(req), options, json ? 'body' : 'query');
    const { caller, plan } = await this.plan(req, 'analyze', options.model, ids, options.stream === true);
    await this.deps.runner.run(
      this.spec(req, res, caller, plan, 'analyze', input),
      analyzeWork(sources, focus, plan),
    );
  }

  async chat(req: Request, res: Response, body: ChatBody): Promise<void> {
    const input = jsonInput(req.body);
    checkMessages(body, this.deps.config.chat);
    const viewer = await this.deps.viewer(req);
    let target: ConversationTarget;
    let where: { project_id?: string; task_id?: string } = body;
    if (body.conversation_id) {
      const conversation = await this.deps.conversations.conversation(viewer.userId, body.conversation_id);
      const moved =
        (body.project_id !== undefined && body.project_id !== conversation.project_id) ||
        (body.task_id !== undefined && body.task_id !== conversation.task_id);
      if (moved)
        throw new AppError('VALIDATION_FAILED', 'The conversation belongs to another project or task.', [
          { field: 'body.conversation_id', message: 'is under another project or task' },
        ]);
      where = {
        ...(conversation.project_id ? { project_id: conversation.project_id } : {}),
        ...(conversation.task_id ? { task_id: conversation.task_id } : {}),
      };
      target = { id: conversation.id };
    } else {
      target = {
        id: randomUUID(),
        create: { projectId: body.project_id, taskId: body.task_id, title: body.title },
      };
    }
    const { project, task, ids } = await this.placement(viewer, where, 'body');
    const { caller, plan } = await this.plan(req, 'chat', body.model, ids, body.stream === true);
    const context = chatContext(plan.template, project, task);
    const save = { conversations: this.deps.conversations, viewer, teamId: caller.teamId || null };
    await this.deps.runner.run(
      { ...this.spec(req, res, caller, plan, 'chat', input), conversation: target.id },
      chatWork(body, plan, context, target, save),
    );
  }
}
