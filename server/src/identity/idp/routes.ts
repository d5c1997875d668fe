import type { Db } from '../../platform/db/knex.js';
import { AppError } from '../../platform/errors.js';
import type { AuthConfig } from '../config-schema.js';
import { bindingCookie, cookieNames, parseCookies } from '../cookies.js';
import type { OidcConnections } from '../oidc/connections.js';
import { principalOf } from '../principal.js';
import { type DeclaredRouter, handle } from '../route-registry.js';
import type { SamlConnections } from '../saml/connections.js';
import { ConnectionParams, IdParams } from '../schemas.js';
import { presentOidc, presentSaml, presentStats } from './presenters.js';
import { NO_SIGN_INS, scimCounts, signInStats } from './repository.js';
import { oidcStatus, samlStatus } from './status.js';
import { presentTestLogin, type TestLoginService } from './test-login.js';

export interface IdpRoutesDeps {
  db: Db;
  oidc: OidcConnections;
  saml: SamlConnections;
  testLogins: TestLoginService;
  config: AuthConfig;
}

/**
 * The SSO connections admin API under `/api/v1/admin/idp` (idp:manage): the configured connections
 * with their sign-in activity, one connection with its live IdP status, and test sign-ins.
 * Connections themselves are configuration (GitOps, Helm values): there is no API to change them.
 */
export function idpRoutes(r: DeclaredRouter, deps: IdpRoutesDeps): void {
  const { db, oidc, saml, testLogins, config } = deps;
  const all = () => [...oidc.list().map(presentOidc), ...saml.list().map(presentSaml)];
  const names = cookieNames(config.session.insecureCookies);

  function connectionOf(name: string) {
    const o = oidc.byName(name);
    if (o) return { settings: presentOidc(o), status: () => oidcStatus(o) };
    const s = saml.byName(name);
    if (s) return { settings: presentSaml(s), status: () => samlStatus(s) };
    throw new AppError('SSO_UNKNOWN_CONNECTION');
  }

  r.get('/api/v1/admin/idp/connections', 'idp:manage', async (_req, res) => {
    const connections = all();
    const stats = await signInStats(
      db,
      connections.map((c) => c.name),
    );
    res.json({
      connections: connections.map((c) => ({
        name: c.name,
        display_name: c.display_name,
        protocol: c.protocol,
        domains: c.mapping.domains,
        sign_ins: presentStats(stats.get(c.name) ?? NO_SIGN_INS),
      })),
    });
  });

  r.get(
    '/api/v1/admin/idp/connections/:connection',
    'idp:manage',
    ...handle({ params: ConnectionParams }, async (req, res) => {
      const name = req.params.connection;
      const connection = connectionOf(name);
      const [stats, scim, status] = await Promise.all([
        signInStats(db, [name]),
        scimCounts(db, name),
        connection.status(),
      ]);
      res.setHeader('cache-control', 'no-store');
      res.json({
        connection: {
          ...connection.settings,
          sign_ins: presentStats(stats.get(name) ?? NO_SIGN_INS),
          scim,
          status,
        },
      });
    }),
  );

  r.post(
    '/api/v1/admin/idp/connections/:connection/test-login',
    'idp:manage',
    ...handle({ params: ConnectionParams }, async (req, res) => {
      const cookies = parseCookies(req.get('cookie'));
      const started = await testLogins.start(principalOf(req).userId, req.params.connection, (protocol) =>
        cookies.get(protocol === 'saml' ? names.saml : names.login),
      );
      res.append(
        'set-cookie',
        bindingCookie(
          { insecureCookies: config.session.insecureCookies, loginTimeoutMs: config.loginTimeoutMs },
          started.protocol,
          started.bindingToken,
        ),
      );
      res.setHeader('cache-control', 'no-store');
      res.status(201).json({
        test_login: {
          id: started.id,
          protocol: started.protocol,
          expires_at: started.expiresAt.toISOString(),
        },
        redirect_url: started.redirectUrl,
      });
    }),
  );

  r.get(
    '/api/v1/admin/idp/test-logins/:id',
    'idp:manage',
    ...handle({ params: IdParams }, async (req, res) => {
      res.setHeader('cache-control', 'no-store');
      res.json({
        test_login: presentTestLogin(await testLogins.get(principalOf(req).userId, req.params.id)),
      });
    }),
  );
}
