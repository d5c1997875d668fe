import type { Request, RequestHandler, Response } from 'express';
import { AppError } from '../platform/errors.js';
import { parseCookies } from './cookies.js';
import type { ApiKeyAuthRow } from './keys/repository.js';
import type { ApiKeyService } from './keys/service.js';
import type { Principal } from './principal.js';
import { type Access, grantsOf, isAllowed, type Permission, restrictToScopes } from './rbac.js';
import type { ScimTokenService } from './scim/tokens.js';
import type { SessionService } from './sessions/service.js';
import { API_KEY_PREFIX, SCIM_TOKEN_PREFIX, safeEqual } from './tokens.js';

/** RFC 9110 §9.2.1 safe methods: they change nothing, so they need no CSRF token. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Header carrying the session's CSRF token on state-changing cookie-authenticated requests. */
export const CSRF_HEADER = 'x-csrf-token';

/** RFC 6750 §3: a 401 names the scheme the client should use. */
const CHALLENGE = { 'www-authenticate': 'Bearer realm="ai-la"' };
const SCIM_CHALLENGE = { 'www-authenticate': 'Bearer realm="ai-la-scim"' };

/**
 * State-changing endpoints that authenticate the request themselves and never act on the session
 * cookie: the SAML ACS and SLO (signed SAML messages, posted cross-site by the IdP), the device
 * authorization endpoints (RFC 8628: device and client codes) and the break-glass sign-in (a
 * password). A session cookie sent along is ignored there instead of failing the CSRF check.
 */
const CSRF_EXEMPT = /^\/auth\/(saml\/[^/]+\/(acs|slo)|device\/(code|token)|break-glass)$/;

const unauthenticated = (code: 'UNAUTHENTICATED' | 'SESSION_EXPIRED' | 'INVALID_API_KEY', message?: string) =>
  new AppError(code, message, undefined, CHALLENGE);

/** The session cookie's value, when the request carries one. */
export const sessionTokenOf = (req: Request, cookieName: string) =>
  parseCookies(req.get('cookie')).get(cookieName) || undefined;

/**
 * Principals of API key rows. The key cache hands out the same row object until the key, its user
 * or their roles change (a new row then), so a row's principal is derived once.
 */
const principals = new WeakMap<ApiKeyAuthRow, Principal>();

async function fromApiKey(keys: ApiKeyService, secret: string): Promise<Principal> {
  const row = await keys.resolve(secret);
  let principal = principals.get(row);
  if (principal === undefined) {
    principal = {
      userId: row.user_id,
      email: row.email,
      name: row.name,
      roles: row.roles,
      teams: row.teams,
      grants: restrictToScopes(grantsOf(row.roles), row.scopes),
      credential: { type: 'api_key', keyId: row.id, scopes: row.scopes },
    };
    principals.set(row, principal);
  }
  return principal;
}

/** The token of an `Authorization: Bearer` header value, else undefined. */
const bearerToken = (authorization: string): string | undefined =>
  /^Bearer +(\S+)$/i.exec(authorization.trim())?.[1];

/** The `aila_` API key of an `Authorization: Bearer` header value, else undefined. */
export function bearerApiKey(authorization: string | undefined): string | undefined {
  if (authorization === undefined) return undefined;
  const secret = bearerToken(authorization);
  return secret?.startsWith(API_KEY_PREFIX) ? secret : undefined;
}

/** The principal of an API key; AppError INVALID_API_KEY (401 with its challenge) when unusable. */
async function apiKeyPrincipal(keys: ApiKeyService, secret: string): Promise<Principal> {
  try {
    return await fromApiKey(keys, secret);
  } catch (err) {
    if (err instanceof AppError && err.code === 'INVALID_API_KEY') throw unauthenticated('INVALID_API_KEY');
    throw err;
  }
}

/** AppError FORBIDDEN unless the grants allow `access`. */
function enforce(principal: Principal, access: Access): void {
  if (!isAllowed(principal.grants, access)) {
    throw new AppError('FORBIDDEN', `This requires the ${access} permission.`);
  }
}

/**
 * What {@link authenticate} then {@link authz} do for a request carrying an `aila_` API key (see
 * {@link bearerApiKey}), for paths served outside Express: the key's principal, refused with the
 * same errors (401 INVALID_API_KEY, 403 FORBIDDEN without `access`).
 */
export function apiKeyAuthorizer(keys: ApiKeyService) {
  return async (secret: string, access: Permission): Promise<Principal> => {
    const principal = await apiKeyPrincipal(keys, secret);
    enforce(principal, access);
    return principal;
  };
}

/**
 * Identifies the caller on every request: `Authorization: Bearer aila_...` (RFC 6750 §2.1), else the
 * session cookie. A bad API key is refused at once; a stale session cookie is cleared and leaves the
 * request anonymous, so public routes still work. Cookie-authenticated state changes must carry the
 * session's CSRF token; API key requests are exempt (a browser never attaches them by itself).
 */
export function authenticate(deps: {
  sessions: SessionService;
  keys: ApiKeyService;
  scimTokens: ScimTokenService;
}): RequestHandler {
  const { sessions, keys, scimTokens } = deps;
  return async (req: Request, res: Response, next) => {
    const authorization = req.get('authorization');
    if (authorization !== undefined) {
      const token = bearerToken(authorization);
      // RFC 7644 §2: SCIM clients authenticate with a bearer token; a bad one is refused by the
      // SCIM routes, in the SCIM error format.
      if (token?.startsWith(SCIM_TOKEN_PREFIX)) {
        req.scim = await scimTokens.resolve(token);
        next();
        return;
      }
      if (!token?.startsWith(API_KEY_PREFIX)) {
        throw unauthenticated('INVALID_API_KEY', 'Use Authorization: Bearer with an aila_ API key.');
      }
      req.auth = await apiKeyPrincipal(keys, token);
      next();
      return;
    }
    const token = sessionTokenOf(req, sessions.cookieName);
    if (token === undefined) {
      next();
      return;
    }
    const found = await sessions.resolve(token);
    if ('expired' in found) {
      req.authProblem = 'SESSION_EXPIRED';
      sessions.clearCookie(res);
      next();
      return;
    }
    const { session, csrfToken } = found;
    if (!SAFE_METHODS.has(req.method) && !safeEqual(req.get(CSRF_HEADER) ?? '', csrfToken)) {
      if (CSRF_EXEMPT.test(req.path)) {
        next();
        return;
      }
      throw new AppError('CSRF_FAILED');
    }
    req.auth = {
      userId: session.user_id,
      email: session.email,
      name: session.name,
      roles: session.roles,
      teams: session.teams,
      grants: grantsOf(session.roles),
      credential: { type: 'session', sessionId: session.id, csrfToken, connection: session.connection },
    };
    next();
  };
}

/**
 * Enforces a route's declared access against the policy (rbac.ts): 401 without a principal, 403
 * FORBIDDEN without the permission; `scim` routes take only a valid SCIM token (401 otherwise).
 */
export function authz(access: Access): RequestHandler {
  return (req, _res, next) => {
    if (access === 'scim') {
      if (!req.scim) throw new AppError('SCIM_TOKEN_INVALID', undefined, undefined, SCIM_CHALLENGE);
    } else if (access !== 'public') {
      if (!req.auth) throw unauthenticated(req.authProblem ?? 'UNAUTHENTICATED');
      enforce(req.auth, access);
    }
    next();
  };
}
