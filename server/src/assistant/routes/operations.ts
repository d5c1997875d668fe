/**
 * `POST /api/v1/generate`, `/api/v1/analyze`, `/api/v1/chat`, the caller's operation history
 * (`/api/v1/operations`) and the prompt templates in use (permission `assistant:use`).
 */
import express, { type Request, type RequestHandler } from 'express';
import { type DeclaredRouter, handle, principalOf } from '../../identity/index.js';
import { AppError } from '../../platform/errors.js';
import { validate } from '../../platform/http/validate.js';
import type { AssistantConfig } from '../config-schema.js';
import type { OperationService } from '../operations/service.js';
import type { PromptLibrary } from '../prompts/templates.js';
import { AnalyzeBody, AnalyzeQuery, ChatBody, GenerateBody, IdParams, OperationsQuery } from '../schemas.js';

/** Media types of an archive upload (RFC 6713 application/gzip, and the older names tools send). */
const ARCHIVE_TYPES = [
  'application/gzip',
  'application/x-gzip',
  'application/x-compressed-tar',
  'application/x-tgz',
];

export interface OperationRoutesDeps {
  config: AssistantConfig;
  operations: OperationService;
  prompts: PromptLibrary;
}

/** Analyze takes JSON (checked against AnalyzeBody) or an archive (its options in the query). */
function analyzeInput(config: AssistantConfig): RequestHandler[] {
  const upload = express.raw({ type: ARCHIVE_TYPES, limit: config.analyze.maxUploadBytes });
  const json = validate({ body: AnalyzeBody });
  const archive = validate({ query: AnalyzeQuery });
  return [
    upload,
    (req, res, next) => {
      if (Buffer.isBuffer(req.body)) return archive(req, res, next);
      if (!req.is('application/json'))
        throw new AppError(
          'UNSUPPORTED_MEDIA_TYPE',
          'Send application/json or a .tar.gz as application/gzip.',
        );
      return json(req, res, next);
    },
  ];
}

export function operationRoutes(r: DeclaredRouter, deps: OperationRoutesDeps): void {
  const use = 'assistant:use';
  const { operations } = deps;
  r.post('/api/v1/generate', use, validate({ body: GenerateBody }), async (req, res) => {
    await operations.generate(req, res, req.body as GenerateBody);
  });
  r.post('/api/v1/analyze', use, ...analyzeInput(deps.config), async (req: Request, res) => {
    await operations.analyze(
      req,
      res,
      Buffer.isBuffer(req.body)
        ? { upload: req.body, query: req.query as unknown as AnalyzeQuery }
        : { body: req.body as AnalyzeBody },
    );
  });
  r.post('/api/v1/chat', use, validate({ body: ChatBody }), async (req, res) => {
    await operations.chat(req, res, req.body as ChatBody);
  });
  r.get(
    '/api/v1/operations',
    use,
    ...handle({ query: OperationsQuery }, async (req, res) => {
      res.json(await operations.list(principalOf(req).userId, req.query));
    }),
  );
  r.get(
    '/api/v1/operations/:id',
    use,
    ...handle({ params: IdParams }, async (req, res) => {
      res.json(await operations.get(principalOf(req).userId, req.params.id));
    }),
  );
  r.get('/api/v1/assistant/templates', use, (_req, res) => {
    res.json({
      items: deps.prompts.all().map((t) => ({
        id: t.id,
        version: t.version,
        description: t.description,
        sha256: t.sha256,
        in_use: deps.prompts.current(t.id).version === t.version,
      })),
    });
  });
}
