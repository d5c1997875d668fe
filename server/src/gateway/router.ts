import { type Request, type RequestHandler, Router } from 'express';
import { AppError } from '../platform/errors.js';
import { validate } from '../platform/http/validate.js';
import { type InferenceContext, inferenceHandler } from './inference.js';
import type { Caller } from './limits/limiter.js';
import type { CatalogModel } from './model-catalog.js';
import {
  BackendParams,
  ChatCompletionBody,
  CompletionBody,
  DrainBody,
  EmbeddingBody,
  validateOpenAi,
} from './schemas.js';
import type { GatewayService } from './service.js';

/**
 * The OpenAI-compatible API, mounted at the root (paths start with `/v1/`, so the error handler
 * answers in OpenAI's error shape). Every route runs `guard` first.
 */
export function gatewayRouter(
  ctx: InferenceContext,
  service: GatewayService,
  guard: RequestHandler[],
): Router {
  const router = Router();
  router.post(
    '/v1/chat/completions',
    ...guard,
    validateOpenAi(ChatCompletionBody),
    inferenceHandler(ctx, 'chat_completions', '/v1/chat/completions'),
  );
  router.post(
    '/v1/completions',
    ...guard,
    validateOpenAi(CompletionBody),
    inferenceHandler(ctx, 'completions', '/v1/completions'),
  );
  router.post(
    '/v1/embeddings',
    ...guard,
    validateOpenAi(EmbeddingBody),
    inferenceHandler(ctx, 'embeddings', '/v1/embeddings'),
  );
  router.get('/v1/models', ...guard, async (req, res) => {
    res.json({ object: 'list', data: await service.models(ctx.caller(req)) });
  });
  router.get('/v1/models/*model', ...guard, async (req, res) => {
    const id = ([] as string[]).concat(req.params.model ?? []).join('/');
    const model = (await service.models(ctx.caller(req))).find((m) => m.id === id);
    if (!model)
      throw new AppError(
        'MODEL_NOT_FOUND',
        `The model \`${id}\` does not exist or you do not have access to it.`,
      );
    res.json(model);
  });
  return router;
}

/**
 * The backends admin API (mounted by app.ts under `/api/v1/admin/backends` behind backends:manage):
 * `GET /` lists replicas with health, latency and load; `POST /:id/drain` and `POST /:id/enable`
 * take a backend group or one replica out of rotation and back, on every appliance replica.
 */
export function backendsAdminRouter(service: GatewayService, caller: (req: Request) => Caller): Router {
  const router = Router();
  const actor = (req: Request) => ({ userId: caller(req).userId, ip: req.ip });
  router.get('/', (_req, res) => {
    res.json({ data: service.backends() });
  });
  router.get('/:id', validate({ params: BackendParams }), (req, res) => {
    const id = req.params.id as string;
    const views = service.backends().filter((b) => b.id === id || b.group === id);
    if (views.length === 0) throw new AppError('NOT_FOUND', 'No such backend.');
    res.json({ data: views });
  });
  router.post('/:id/drain', validate({ params: BackendParams, body: DrainBody }), async (req, res) => {
    const { reason } = req.body as { reason?: string };
    res.json({ data: await service.drain(req.params.id as string, actor(req), reason ?? '') });
  });
  router.post('/:id/enable', validate({ params: BackendParams }), async (req, res) => {
    res.json({ data: await service.enable(req.params.id as string, actor(req)) });
  });
  return router;
}

/**
 * The models admin API (mounted by app.ts under `/api/v1/admin/models` behind backends:manage):
 * `GET /` lists every model with its aliases, replicas, usage of the last 24 hours and the quota
 * plans that restrict it.
 */
export function modelsAdminRouter(catalog: () => Promise<CatalogModel[]>): Router {
  const router = Router();
  router.get('/', async (_req, res) => {
    res.json({ data: await catalog() });
  });
  return router;
}
