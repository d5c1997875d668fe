import type { RequestHandler, Router } from 'express';
import type { Logger } from 'pino';
import type { AuditService } from '../audit/index.js';
import type { Db } from '../platform/db/knex.js';
import { authenticate } from './authenticate.js';
import type { AuthConfig } from './config-schema.js';
import { type ApiKeyService, createApiKeyService } from './keys/service.js';
import { OidcConnections } from './oidc/connections.js';
import { createOidcService, type OidcService } from './oidc/service.js';
import type { RouteRegistry } from './route-registry.js';
import { adminRoutes } from './routes/admin.js';
import { authRoutes } from './routes/auth.js';
import { meRoutes } from './routes/me.js';
import { teamRoutes } from './routes/teams.js';
import { createSessionService, type SessionService } from './sessions/service.js';
import { createTeamService, type TeamService } from './teams/service.js';
import { createUserService, type UserService } from './users/service.js';

export { authz, CSRF_HEADER } from './authenticate.js';
export { AuthConfig, OidcConnectionConfig } from './config-schema.js';
export type { Actor, Credential, Principal } from './principal.js';
export { actorOf, principalOf } from './principal.js';
export {
  type Access,
  API_KEY_SCOPES,
  type ApiKeyScope,
  PERMISSIONS,
  type Permission,
  ROLE_GRANTS,
  ROLES,
  type Role,
  type Scope,
} from './rbac.js';
export { type DeclaredRouter, handle, type RouteDeclaration, RouteRegistry } from './route-registry.js';

export interface IdentityModuleDeps {
  db: Db;
  log: Logger;
  audit: AuditService;
  config: { auth: AuthConfig; publicUrl: string };
  /** Where the module declares its routes; other modules declare theirs in the same registry. */
  routes: RouteRegistry;
}

export interface IdentityModule {
  /** Mount before every module router: sets `req.auth` from an API key or the session cookie. */
  authenticate: RequestHandler;
  /** The identity routes (sign-in, /api/v1/me, /api/v1/admin users, keys, teams). */
  router: Router;
  sessions: SessionService;
  keys: ApiKeyService;
  users: UserService;
  teams: TeamService;
  oidc: OidcService;
}

/**
 * Creates the identity module: OIDC sign-in with just-in-time provisioning and group mapping,
 * PostgreSQL sessions, API keys, users and teams administration, and the RBAC middleware. Throws
 * when the SSO connections are misconfigured, so the appliance refuses to start.
 */
export async function createIdentityModule(deps: IdentityModuleDeps): Promise<IdentityModule> {
  const { db, audit, log, routes } = deps;
  const { auth, publicUrl } = deps.config;
  const connections = new OidcConnections(auth.oidc.connections, publicUrl);
  const sessions = createSessionService({ db, audit, config: auth.session });
  const keys = createApiKeyService({ db, audit, config: auth.apiKeys });
  const users = createUserService({ db, audit, sessions, keys });
  const teams = createTeamService({ db, audit });
  const oidc = createOidcService({
    db,
    audit,
    sessions,
    connections,
    publicUrl,
    loginTimeoutMs: auth.loginTimeoutMs,
    log: log.child({ module: 'identity' }),
  });

  const r = routes.router();
  authRoutes(r, { oidc, connections, sessions, config: auth });
  meRoutes(r, { users, sessions, keys });
  adminRoutes(r, { users, keys, registry: routes });
  teamRoutes(r, { teams });

  return {
    authenticate: authenticate({ sessions, keys }),
    router: r.router,
    sessions,
    keys,
    users,
    teams,
    oidc,
  };
}
