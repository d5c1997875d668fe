/**
 * The assistant module (ARCHITECTURE.md "assistant/"): generate, analyze and chat on top of the
 * gateway (in-process: same models, limits and usage), projects and tasks, conversations, and one
 * TECP receipt per operation. Prompts are the versioned templates in prompts/.
 *
 * Wiring (app.ts):
 * ```ts
 * const assistant = await createAssistantModule({ db, log, config: config.assistant, audit,
 *   gateway, receipts: evidence.receipts, content, retention, routes, caller: gatewayCaller, teamsOf });
 * app.use(assistant.router);
 * ```
 */
import type { Request, Router } from 'express';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { AuditService } from '../audit/index.js';
import type { Caller, GatewayModule } from '../gateway/index.js';
import type { RouteRegistry } from '../identity/index.js';
import { principalOf } from '../identity/index.js';
import type { AssistantConfig } from './config-schema.js';
import type { AssistantContent, RetentionRegistry } from './content.js';
import { purgeSealedMessages } from './conversations/repository.js';
import { ConversationService } from './conversations/service.js';
import { AssistantMetrics } from './metrics.js';
import { OperationRunner, type ReceiptRecorder } from './operations/runner.js';
import { OperationService } from './operations/service.js';
import { ProjectService } from './projects/service.js';
import { loadPromptLibrary, PROMPTS_DIR, type PromptLibrary } from './prompts/templates.js';
import { conversationRoutes } from './routes/conversations.js';
import { operationRoutes } from './routes/operations.js';
import { projectRoutes } from './routes/projects.js';
import type { ViewerOf } from './routes/viewer.js';

export { AssistantConfig } from './config-schema.js';
export type { AssistantContent, ContentOwner, RetentionRegistry } from './content.js';

export interface AssistantModuleDeps {
  db: Knex;
  log: Logger;
  config: AssistantConfig;
  audit: AuditService;
  /** The gateway: its in-process calls, its model list, and its largest response (retention cap). */
  gateway: Pick<GatewayModule, 'internal' | 'service'> & { maxResponseBytes: number };
  /** Records each operation's receipt (the evidence module's ReceiptService). */
  receipts: ReceiptRecorder;
  /** Content retention (the content module); without it nothing is retained. */
  content?: AssistantContent | undefined;
  /** The retention job, to purge expired sealed messages. */
  retention?: RetentionRegistry | undefined;
  /** Where the routes are declared (all `assistant:use`). */
  routes: RouteRegistry;
  /** Who is calling, as the gateway sees it (user, team, API key). */
  caller: (req: Request) => Caller;
  /** The teams a user is a member of (who sees a project shared with a team). */
  teamsOf: (userId: string) => Promise<string[]>;
  /** The appliance's Prometheus registry. */
  registry: Registry;
  /** Folder of the prompt templates (default: the shipped ones). */
  promptsDir?: string;
}

export interface AssistantModule {
  router: Router;
  projects: ProjectService;
  conversations: ConversationService;
  operations: OperationService;
  prompts: PromptLibrary;
}

/** Creates the assistant module; refuses to start when a prompt template is missing or broken. */
export async function createAssistantModule(deps: AssistantModuleDeps): Promise<AssistantModule> {
  const { db, config, audit, content } = deps;
  const prompts = await loadPromptLibrary(deps.promptsDir ?? PROMPTS_DIR, ['generate', 'analyze', 'chat']);
  deps.log
    .child({ module: 'assistant' })
    .info({ templates: prompts.all().map((t) => `${t.id}@${t.version}`) }, 'prompt templates loaded');
  const projects = new ProjectService(db, audit, deps.retention);
  const conversations = new ConversationService(db, audit, projects, content, deps.retention);
  const viewerOf: ViewerOf = async (req) => {
    const userId = principalOf(req).userId;
    return { userId, teamIds: await deps.teamsOf(userId) };
  };
  const runner = new OperationRunner({
    db,
    gateway: deps.gateway.internal,
    receipts: deps.receipts,
    content,
    maxRetainedBytes: deps.gateway.maxResponseBytes,
    metrics: new AssistantMetrics(deps.registry),
  });
  const operations = new OperationService({
    db,
    config,
    runner,
    models: deps.gateway.service,
    prompts,
    projects,
    conversations,
    caller: deps.caller,
    viewer: viewerOf,
  });
  deps.retention?.register({
    name: 'assistant_messages',
    purge: (trx, { before, held, limit }) => purgeSealedMessages(trx, before, held, limit),
  });

  const r = deps.routes.router();
  projectRoutes(r, projects, viewerOf);
  conversationRoutes(r, conversations, viewerOf, (req) => deps.caller(req as Request).teamId);
  operationRoutes(r, { config, operations, prompts });
  return { router: r.router, projects, conversations, operations, prompts };
}
