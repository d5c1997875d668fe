import type { TSchema as Schema, Static } from '@sinclair/typebox';
import { type Request, type RequestHandler, type Response, Router } from 'express';
import { validate } from '../platform/http/validate.js';
import { authz } from './authenticate.js';
import type { Access } from './rbac.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** One declared route: what the RBAC matrix test walks and `GET /api/v1/admin/rbac` lists. */
export interface RouteDeclaration {
  method: HttpMethod;
  /** Express path pattern, e.g. `/api/v1/me/keys/:id`. */
  path: string;
  access: Access;
}

type Declare = (path: string, access: Access, ...handlers: RequestHandler[]) => DeclaredRouter;

/** An Express router whose every route states the access it requires. */
export interface DeclaredRouter {
  readonly router: Router;
  get: Declare;
  post: Declare;
  put: Declare;
  patch: Declare;
  delete: Declare;
}

/**
 * The registry of every route of the appliance with its access rule. Modules add routes only through
 * {@link RouteRegistry.router}, which puts `authz(access)` in front of each handler, so no route can
 * exist without a declared permission.
 */
export class RouteRegistry {
  readonly #routes: RouteDeclaration[] = [];

  /** Every declared route, in declaration order. */
  list(): readonly RouteDeclaration[] {
    return this.#routes;
  }

  /**
   * Records the routes of a router built elsewhere (a module that takes its guard as a dependency)
   * and returns what app.ts mounts at the root: under `prefix`, `authz(access)` runs before the
   * router; with `enforcedByRoutes` the router's own routes already run `authz(access)`.
   * The RBAC matrix test then walks these routes like the declared ones.
   */
  recordRouter(
    prefix: string,
    access: Access,
    router: Router,
    options: { enforcedByRoutes?: boolean } = {},
  ): Router {
    for (const layer of router.stack as Array<{
      route?: { path: string; methods: Record<string, boolean> };
    }>) {
      if (!layer.route) continue;
      for (const method of Object.keys(layer.route.methods)) {
        const upper = method.toUpperCase() as HttpMethod;
        if (!['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].includes(upper)) continue;
        const path = `${prefix}${layer.route.path === '/' && prefix ? '' : layer.route.path}`;
        if (this.#routes.some((r) => r.method === upper && r.path === path)) {
          throw new Error(`route ${upper} ${path} is declared twice`);
        }
        this.#routes.push({ method: upper, path, access });
      }
    }
    if (options.enforcedByRoutes) return router;
    if (!prefix) throw new Error('a router mounted at the root must enforce access on its own routes');
    return Router().use(prefix, authz(access), router);
  }

  /** A new router (mounted at `/` by app.ts) whose routes are recorded here with full paths. */
  router(): DeclaredRouter {
    const router = Router();
    const declared = {} as DeclaredRouter;
    const verb =
      (method: HttpMethod): Declare =>
      (path, access, ...handlers) => {
        if (this.#routes.some((r) => r.method === method && r.path === path)) {
          throw new Error(`route ${method} ${path} is declared twice`);
        }
        this.#routes.push({ method, path, access });
        const lower = method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete';
        router[lower](path, authz(access), ...handlers);
        return declared;
      };
    Object.assign(declared, {
      router,
      get: verb('GET'),
      post: verb('POST'),
      put: verb('PUT'),
      patch: verb('PATCH'),
      delete: verb('DELETE'),
    });
    return declared;
  }
}

interface Schemas {
  body?: Schema;
  query?: Schema;
  params?: Schema;
}

/**
 * The request as a handler sees it after validation: body, query and params replaced by their
 * schemas' types (Express types them as `any` and `ParsedQs`, which an intersection cannot narrow).
 */
export type ValidatedRequest<S extends Schemas> = Omit<Request, 'body' | 'query' | 'params'> & {
  body: S['body'] extends Schema ? Static<S['body']> : unknown;
  query: S['query'] extends Schema ? Static<S['query']> : Record<string, never>;
  params: S['params'] extends Schema ? Static<S['params']> : Record<string, never>;
};

/**
 * Validation plus a typed handler: `r.post('/x', 'keys:own', ...handle({ body: B }, (req, res) => ...))`.
 * The handler sees the request as {@link validate} left it.
 */
export function handle<S extends Schemas>(
  schemas: S,
  fn: (req: ValidatedRequest<S>, res: Response) => Promise<void> | void,
): RequestHandler[] {
  return [validate(schemas), async (req, res) => fn(req as unknown as ValidatedRequest<S>, res)];
}
