/**
 * How the evidence routes are declared: through anything shaped like identity's `DeclaredRouter`
 * (`r.get(path, access, ...handlers)`), so app.ts registers them in the one route registry with the
 * access each requires, or through a plain Express router (`expressDeclarer`) where RBAC is elsewhere.
 */
import { type RequestHandler, Router } from 'express';

/** The access an evidence route requires (identity's `Access` values). */
export type EvidenceAccess = 'public' | 'receipts:read' | 'audit:read';

export interface RouteDeclarer {
  get(path: string, access: EvidenceAccess, ...handlers: RequestHandler[]): unknown;
  post(path: string, access: EvidenceAccess, ...handlers: RequestHandler[]): unknown;
}

/** A declarer onto a plain Express router; the access names are not enforced here. */
export function expressDeclarer(router: Router = Router()): RouteDeclarer & { router: Router } {
  return {
    router,
    get: (path, _access, ...handlers) => router.get(path, ...handlers),
    post: (path, _access, ...handlers) => router.post(path, ...handlers),
  };
}
