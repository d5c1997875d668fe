import type { IncomingMessage } from 'node:http';
import { isPlainJson } from '../platform/http/lean-body.js';
import type { LeanExchange, LeanRoutes } from '../platform/http/lean-routes.js';
import { type InferenceContext, replicaPicker, serveInference } from './inference.js';
import type { Caller } from './limits/limiter.js';
import type { GatewayOp } from './operation.js';
import { ChatCompletionBody, CompletionBody, checkOpenAi, EmbeddingBody } from './schemas.js';

/**
 * What stands in for the Express guard (authentication, then the `gateway:use` authorisation) and
 * `caller` on the lean path.
 */
export interface LeanGuard {
  /** Whether the lean path can authenticate this request (else Express serves it, unchanged). */
  accepts(req: IncomingMessage): boolean;
  /**
   * Authenticates and authorises the request (AppError 401/403 as the guard would); resolves with
   * what gives its caller, which may refuse (403) as `caller` would.
   */
  authorize(req: IncomingMessage): Promise<() => Caller>;
}

const ENDPOINTS: Array<[GatewayOp, string, Parameters<typeof checkOpenAi>[0]]> = [
  ['chat_completions', '/v1/chat/completions', ChatCompletionBody],
  ['completions', '/v1/completions', CompletionBody],
  ['embeddings', '/v1/embeddings', EmbeddingBody],
];

/**
 * Serves the inference endpoints on the lean path, before Express, for the requests `guard`
 * accepts that carry a plain JSON body; each step runs in the order the Express stack runs it
 * (body, authentication, authorisation, validation, caller), with the same errors.
 */
export function declareLeanInference(lean: LeanRoutes, ctx: InferenceContext, guard: LeanGuard): void {
  for (const [op, path, schema] of ENDPOINTS) {
    const check = checkOpenAi(schema);
    const pick = replicaPicker(ctx);
    const exchange: LeanExchange = {
      accepts: (req) => isPlainJson(req) && guard.accepts(req),
      handle: async (req, res, request) => {
        const raw = await request.body();
        const callerOf = await guard.authorize(req);
        const body = check(raw);
        const caller = callerOf();
        const inference = {
          body,
          id: request.id,
          caller,
          get log() {
            return request.log;
          },
        };
        await serveInference(ctx, op, path, pick, inference, res);
      },
    };
    lean.post(path, path, exchange);
  }
}
