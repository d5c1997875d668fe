import type { IncomingMessage } from 'node:http';
import type { Request } from 'express';
import type { ExportCaller } from './compliance/index.js';
import type { ReadScope, ScopeResolver } from './evidence/index.js';
import type { Caller, LeanGuard } from './gateway/index.js';
import {
  bearerApiKey,
  type IdentityModule,
  type Permission,
  type Principal,
  principalOf,
} from './identity/index.js';
import { AppError } from './platform/errors.js';

/**
 * Adapters from identity's principal to what other modules need to know about the caller; app.ts
 * hands them over, so no module depends on another module's internals.
 */

/** The teams a principal acts for: the team scopes of its role bindings. */
function teamsOf(req: Pick<Request, 'auth'>): string[] {
  const teams = principalOf(req)
    .roles.map((r) => r.teamId)
    .filter((t): t is string => t !== null);
  return [...new Set(teams)];
}

/** Header choosing which of the caller's teams an AI call is charged to (quotas, usage, receipts). */
export const TEAM_HEADER = 'x-aila-team';

/** {@link gatewayCaller} of a principal and the value of its `x-aila-team` header. */
function callerOf(principal: Principal, teamHeader: string | undefined): Caller {
  const credential = principal.credential;
  const teams = [...new Set([...principal.teams, ...teamsOf({ auth: principal })])];
  const chosen = teamHeader?.trim().toLowerCase();
  if (chosen && !teams.includes(chosen)) {
    throw new AppError('FORBIDDEN', `You are not a member of the team named by ${TEAM_HEADER}.`);
  }
  return {
    userId: principal.userId,
    teamId: chosen || (teams[0] ?? ''),
    ...(credential.type === 'api_key' ? { apiKeyId: credential.keyId } : {}),
  };
}

/**
 * The gateway's caller: the user, the team the call is for, and the API key used. The team is the
 * one named by the `x-aila-team` header (it must be one of the user's teams: 403 otherwise), else
 * the user's oldest membership, else the first team the user administers, else none.
 */
export function gatewayCaller(req: Request): Caller {
  return callerOf(principalOf(req), req.get(TEAM_HEADER));
}

/**
 * The gateway's guard on the lean path: requests with an `aila_` API key, authenticated and held to
 * `gateway:use` as on the Express path, with the caller of {@link gatewayCaller}.
 */
export function leanGatewayGuard(authorize: IdentityModule['authorizeApiKey']): LeanGuard {
  const secretOf = (req: IncomingMessage) => bearerApiKey(req.headers.authorization);
  return {
    accepts: (req) => secretOf(req) !== undefined,
    authorize: async (req) => {
      const principal = await authorize(secretOf(req) as string, 'gateway:use');
      const header = req.headers[TEAM_HEADER];
      return () => callerOf(principal, Array.isArray(header) ? header.join(', ') : header);
    },
  };
}

/** How far a read permission reaches for this caller (RBAC already allowed the route). */
export function readScopeOf(permission: Permission): ScopeResolver {
  return (req): ReadScope => {
    const principal = principalOf(req);
    const scope = principal.grants.get(permission);
    if (scope === 'all') return { kind: 'all' };
    if (scope === 'team') return { kind: 'team', userId: principal.userId, teamIds: teamsOf(req) };
    return { kind: 'own', userId: principal.userId };
  };
}

/** The compliance export API's caller: user, API key used, and whether it may read retained content. */
export function exportCaller(req: Request): ExportCaller {
  const principal = principalOf(req);
  return {
    userId: principal.userId,
    ...(req.ip ? { ip: req.ip } : {}),
    ...(principal.credential.type === 'api_key' ? { apiKeyId: principal.credential.keyId } : {}),
    mayReadContent: principal.grants.has('content:break_glass'),
  };
}
