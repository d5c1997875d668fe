import { AppError } from '../../platform/errors.js';
import type { AuthConfig } from '../config-schema.js';
import { bindingCookie, cookieNames, parseCookies } from '../cookies.js';
import { type TestLoginService, testLoginPage } from '../idp/test-login.js';
import { domainOf } from '../oidc/claims.js';
import type { OidcConnections } from '../oidc/connections.js';
import type { OidcService } from '../oidc/service.js';
import { actorOf } from '../principal.js';
import { type DeclaredRouter, handle } from '../route-registry.js';
import type { SamlConnection, SamlConnections } from '../saml/connections.js';
import type { SamlService } from '../saml/service.js';
import { ConnectionParams, LoginQuery } from '../schemas.js';
import type { SessionService } from '../sessions/service.js';

export interface AuthRoutesDeps {
  oidc: OidcService;
  connections: OidcConnections;
  saml: SamlService;
  samlConnections: SamlConnections;
  sessions: SessionService;
  testLogins: TestLoginService;
  config: AuthConfig;
}

type Target =
  | { protocol: 'oidc'; name: string; domains: string[] }
  | { protocol: 'saml'; name: string; domains: string[]; connection: SamlConnection };

/**
 * The connection a sign-in goes to: the one named; else the one listing the e-mail's domain; else the
 * only connection there is, when it serves any domain.
 */
function targetOf(
  deps: Pick<AuthRoutesDeps, 'connections' | 'samlConnections'>,
  query: { connection?: string | undefined; email?: string | undefined },
): Target | undefined {
  const all: Target[] = [
    ...deps.connections
      .list()
      .map((c) => ({ protocol: 'oidc' as const, name: c.name, domains: c.config.domains })),
    ...deps.samlConnections
      .list()
      .map((c) => ({ protocol: 'saml' as const, name: c.name, domains: c.config.domains, connection: c })),
  ];
  if (query.connection) return all.find((c) => c.name === query.connection);
  if (query.email) {
    const listed = all.find((c) => c.domains.includes(domainOf(query.email as string)));
    if (listed) return listed;
  }
  const [only] = all;
  return all.length === 1 && only?.domains.length === 0 ? only : undefined;
}

/**
 * Sign-in and sign-out: `/auth/connections`, `/auth/login` (OIDC or SAML), `/auth/oidc/:connection/callback`,
 * `/auth/logout`.
 */
export function authRoutes(r: DeclaredRouter, deps: AuthRoutesDeps): void {
  const { oidc, connections, saml, samlConnections, sessions, testLogins, config } = deps;
  const names = cookieNames(config.session.insecureCookies);
  const binding = { insecureCookies: config.session.insecureCookies, loginTimeoutMs: config.loginTimeoutMs };

  r.get('/auth/connections', 'public', (_req, res) => {
    res.json({
      connections: [...connections.list(), ...samlConnections.list()].map((c) => ({
        name: c.name,
        display_name: c.displayName,
        login_url: `/auth/login?connection=${encodeURIComponent(c.name)}`,
      })),
    });
  });

  r.get(
    '/auth/login',
    'public',
    ...handle({ query: LoginQuery }, async (req, res) => {
      const target = targetOf(deps, req.query);
      if (!target) {
        throw new AppError(
          'SSO_UNKNOWN_CONNECTION',
          req.query.connection || !req.query.email
            ? undefined
            : 'No sign-in connection serves this e-mail domain.',
        );
      }
      const cookies = parseCookies(req.get('cookie'));
      let redirectUrl: string;
      if (target.protocol === 'saml') {
        const started = await saml.start(target.connection, {
          returnTo: req.query.return_to,
          bindingToken: cookies.get(names.saml),
        });
        redirectUrl = started.redirectUrl;
        res.append('set-cookie', bindingCookie(binding, 'saml', started.bindingToken));
      } else {
        const started = await oidc.start({
          connection: target.name,
          email: req.query.email,
          returnTo: req.query.return_to,
          bindingToken: cookies.get(names.login),
        });
        redirectUrl = started.redirectUrl;
        res.append('set-cookie', bindingCookie(binding, 'oidc', started.bindingToken));
      }
      res.setHeader('cache-control', 'no-store');
      res.redirect(302, redirectUrl);
    }),
  );

  r.get(
    '/auth/oidc/:connection/callback',
    'public',
    ...handle({ params: ConnectionParams }, async (req, res) => {
      const cookies = parseCookies(req.get('cookie'));
      // The raw query, exactly as the IdP sent it (code, state, iss or error).
      const query = new URL(req.originalUrl, 'http://callback.invalid').searchParams;
      res.setHeader('cache-control', 'no-store');
      // A test sign-in comes back here too (the registered redirect URI), and never opens a session.
      const test = await testLogins.finishOidc({
        connection: req.params.connection,
        query,
        bindingToken: cookies.get(names.login),
        caller: { userId: req.auth?.userId, ip: req.ip },
      });
      if (test) {
        res.redirect(302, testLoginPage(test.id));
        return;
      }
      const result = await oidc.finish({
        connection: req.params.connection,
        query,
        bindingToken: cookies.get(names.login),
        previousSessionToken: cookies.get(names.session),
        userAgent: req.get('user-agent') ?? '',
        ip: req.ip,
      });
      sessions.setCookie(res, result.sessionToken);
      res.redirect(302, result.returnTo);
    }),
  );

  r.post('/auth/logout', 'public', async (req, res) => {
    let logoutUrl: string | null = null;
    const credential = req.auth?.credential;
    if (credential?.type === 'session') {
      // SAML: the LogoutRequest names the session's NameID, which goes with the session (profiles §4.4).
      const isSaml =
        credential.connection !== null && samlConnections.byName(credential.connection) !== undefined;
      if (isSaml) logoutUrl = await saml.logoutUrl(credential.sessionId, credential.connection);
      await sessions.logout(actorOf(req), credential.sessionId);
      if (!isSaml) logoutUrl = await oidc.logoutUrl(credential.connection);
    }
    sessions.clearCookie(res);
    res.setHeader('cache-control', 'no-store');
    res.json({ logout_url: logoutUrl });
  });
}
