import { type RequestHandler, Router } from 'express';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { AuditService } from '../audit/index.js';
import { PgNotifications } from '../platform/db/notifications.js';
import { apiKeyAuthorizer, authenticate } from './authenticate.js';
import type { AuthConfig } from './config-schema.js';
import type { ConnectionMapping } from './config-shared.js';
import { deviceRoutes } from './device/routes.js';
import { createDeviceService, type DeviceService } from './device/service.js';
import { idpRoutes } from './idp/routes.js';
import { createTestLoginService } from './idp/test-login.js';
import { PrincipalCache } from './keys/principal-cache.js';
import type { ApiKeyAuthRow } from './keys/repository.js';
import { type ApiKeyService, createApiKeyService } from './keys/service.js';
import { localRoutes } from './local/routes.js';
import { createLocalAuthService, type LocalAuthService } from './local/service.js';
import { OidcConnections } from './oidc/connections.js';
import { createOidcService, type OidcService } from './oidc/service.js';
import type { Principal } from './principal.js';
import type { Permission } from './rbac.js';
import type { RouteRegistry } from './route-registry.js';
import { adminRoutes } from './routes/admin.js';
import { authRoutes } from './routes/auth.js';
import { meRoutes } from './routes/me.js';
import { samlRoutes } from './routes/saml.js';
import { subjectRoutes } from './routes/subjects.js';
import { teamRoutes } from './routes/teams.js';
import { SamlConnections } from './saml/connections.js';
import { createSamlService, type SamlService } from './saml/service.js';
import { createScimGroupService } from './scim/groups.js';
import { scimRoutes } from './scim/routes.js';
import { createScimSync } from './scim/sync.js';
import { scimTokenRoutes } from './scim/token-routes.js';
import { createScimTokenService, type ScimTokenService } from './scim/tokens.js';
import { createScimUserService } from './scim/users.js';
import { createSessionService, type SessionService } from './sessions/service.js';
import { createTeamService, type TeamService } from './teams/service.js';
import { createUserService, type UserService } from './users/service.js';

export { authz, bearerApiKey, CSRF_HEADER } from './authenticate.js';
export { AuthConfig, OidcConnectionConfig, SamlConnectionConfig } from './config-schema.js';
export type { Actor, Credential, Principal, ScimCaller } from './principal.js';
export { actorOf, audited, principalOf } from './principal.js';
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
  db: Knex;
  log: Logger;
  audit: AuditService;
  config: { auth: AuthConfig; publicUrl: string };
  /** Where the module declares its routes; other modules declare theirs in the same registry. */
  routes: RouteRegistry;
}

export interface IdentityModule {
  /** Mount before every module router: sets `req.auth` from an API key or the session cookie. */
  authenticate: RequestHandler;
  /**
   * Authenticates an `aila_` API key and requires `access`, as `authenticate` then `authz` do, for
   * paths served before Express (401 INVALID_API_KEY, 403 FORBIDDEN).
   */
  authorizeApiKey(secret: string, access: Permission): Promise<Principal>;
  /** The identity routes: sign-in (OIDC, SAML, device, bootstrap, break-glass), /api/v1/me, admin, SCIM. */
  router: Router;
  sessions: SessionService;
  keys: ApiKeyService;
  users: UserService;
  teams: TeamService;
  oidc: OidcService;
  /** Uses a rotated client secret for OIDC connection `name`; false when unknown or unchanged. */
  setOidcClientSecret(name: string, secret: string): boolean;
  saml: SamlService;
  device: DeviceService;
  local: LocalAuthService;
  scimTokens: ScimTokenService;
  /** Stops listening for principal changes (after the HTTP drain). */
  close(): Promise<void>;
}

/** NOTIFY channel of changes to keys, users and role bindings (migration notify_principal_changes). */
const PRINCIPAL_CHANNEL = 'aila_principal';

/** Session `connection` values of the local sign-ins; no SSO connection may take them. */
const RESERVED_NAMES = ['bootstrap', 'break-glass'];

/** Problems across protocols: a name is one connection, OIDC or SAML; break-glass needs a password. */
function moduleProblems(auth: AuthConfig): string[] {
  const problems: string[] = [];
  const oidc = new Set(auth.oidc.connections.map((c) => c.name));
  for (const c of auth.saml.connections) {
    if (oidc.has(c.name))
      problems.push(`auth.saml.connections (${c.name}): an OIDC connection has the same name`);
  }
  for (const name of [...oidc, ...auth.saml.connections.map((c) => c.name)]) {
    if (RESERVED_NAMES.includes(name)) problems.push(`connection name ${name} is reserved`);
  }
  if (auth.breakGlass.enabled && !auth.breakGlass.passwordHash) {
    problems.push('auth.breakGlass.enabled needs auth.breakGlass.passwordHash (aila admin hash-password)');
  }
  return problems;
}

/**
 * Creates the identity module: OIDC and SAML sign-in with just-in-time provisioning and group mapping,
 * SCIM provisioning, the device flow for the CLI, bootstrap and break-glass sign-ins, PostgreSQL
 * sessions, API keys, users and teams administration, and the RBAC middleware. Throws when the SSO
 * configuration is invalid, so the appliance refuses to start.
 */
export async function createIdentityModule(deps: IdentityModuleDeps): Promise<IdentityModule> {
  const { db, audit, routes } = deps;
  const { auth, publicUrl } = deps.config;
  const log = deps.log.child({ module: 'identity' });
  const problems = moduleProblems(auth);
  if (problems.length > 0) throw new Error(`invalid SSO configuration:\n  - ${problems.join('\n  - ')}`);
  const connections = new OidcConnections(auth.oidc.connections, publicUrl);
  const samlConnections = new SamlConnections(auth.saml.connections, publicUrl, log);
  const mappings = new Map<string, ConnectionMapping>(
    [...auth.oidc.connections, ...auth.saml.connections].map((c) => [c.name, c]),
  );
  const sessions = createSessionService({ db, audit, config: auth.session });
  let notifications: PgNotifications | undefined;
  const cache = new PrincipalCache<ApiKeyAuthRow>(
    auth.apiKeys.cacheTtlMs,
    () => notifications?.connected === true,
  );
  const keys = createApiKeyService({ db, audit, config: auth.apiKeys, cache });
  const users = createUserService({ db, audit, sessions, keys });
  const teams = createTeamService({ db, audit });
  const signIn = { db, audit, sessions, publicUrl, loginTimeoutMs: auth.loginTimeoutMs, log };
  const oidc = createOidcService({ ...signIn, connections });
  const saml = createSamlService({ ...signIn, connections: samlConnections });
  const scimTokens = createScimTokenService({ db, audit, connections: () => new Set(mappings.keys()) });
  const sync = createScimSync({ audit, sessions, keys, mappingOf: (name) => mappings.get(name) });
  const device = createDeviceService({ db, audit, keys, config: auth.device, publicUrl });
  const local = createLocalAuthService({ db, audit, sessions, breakGlass: auth.breakGlass });
  const testLogins = createTestLoginService({
    db,
    audit,
    log,
    oidc: connections,
    saml: samlConnections,
    loginTimeoutMs: auth.loginTimeoutMs,
  });

  const r = routes.router();
  authRoutes(r, { oidc, connections, saml, samlConnections, sessions, testLogins, config: auth });
  samlRoutes(r, { saml, sessions, testLogins, config: auth });
  localRoutes(r, { local, sessions, config: auth });
  deviceRoutes(r, { device });
  meRoutes(r, { users, sessions, keys });
  adminRoutes(r, { users, keys, registry: routes });
  teamRoutes(r, { teams });
  subjectRoutes(r, { db, users });
  scimTokenRoutes(r, { tokens: scimTokens });
  idpRoutes(r, { db, oidc: connections, saml: samlConnections, testLogins, config: auth });
  // SCIM has its own router: its errors answer in the SCIM format (RFC 7644 §3.12).
  const scim = routes.router();
  scimRoutes(scim, {
    db,
    audit,
    users: createScimUserService({ db, audit, sync }),
    groups: createScimGroupService({ db, audit, sync }),
    publicUrl,
  });
  const router = Router();
  router.use(r.router, scim.router);
  if (auth.apiKeys.cacheTtlMs > 0) {
    notifications = await PgNotifications.start(
      db,
      [PRINCIPAL_CHANNEL],
      { onNotify: (_channel, userId) => cache.forgetUser(userId), onReconnect: () => cache.clear() },
      log,
    );
  }

  return {
    authenticate: authenticate({ sessions, keys, scimTokens }),
    authorizeApiKey: apiKeyAuthorizer(keys),
    router,
    sessions,
    keys,
    users,
    teams,
    oidc,
    setOidcClientSecret: (name, secret) => connections.byName(name)?.setClientSecret(secret) ?? false,
    saml,
    device,
    local,
    scimTokens,
    close: async () => {
      await notifications?.close();
    },
  };
}
