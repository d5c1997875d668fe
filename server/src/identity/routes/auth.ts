import type { AuthConfig } from '../config-schema.js';
import { cookieNames, parseCookies, serializeCookie } from '../cookies.js';
import type { OidcConnections } from '../oidc/connections.js';
import type { OidcService } from '../oidc/service.js';
import { actorOf } from '../principal.js';
import { type DeclaredRouter, handle } from '../route-registry.js';
import { ConnectionParams, LoginQuery } from '../schemas.js';
import type { SessionService } from '../sessions/service.js';

export interface AuthRoutesDeps {
  oidc: OidcService;
  connections: OidcConnections;
  sessions: SessionService;
  config: AuthConfig;
}

/** Sign-in and sign-out: `/auth/connections`, `/auth/login`, `/auth/oidc/:connection/callback`, `/auth/logout`. */
export function authRoutes(r: DeclaredRouter, { oidc, connections, sessions, config }: AuthRoutesDeps): void {
  const names = cookieNames(config.session.insecureCookies);
  const secure = !config.session.insecureCookies;

  r.get('/auth/connections', 'public', (_req, res) => {
    res.json({
      connections: connections.list().map((c) => ({
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
      const { redirectUrl, bindingToken } = await oidc.start({
        connection: req.query.connection,
        email: req.query.email,
        returnTo: req.query.return_to,
        bindingToken: parseCookies(req.get('cookie')).get(names.login),
      });
      res.append(
        'set-cookie',
        serializeCookie(names.login, bindingToken, { secure, maxAgeSeconds: config.loginTimeoutMs / 1000 }),
      );
      res.setHeader('cache-control', 'no-store');
      res.redirect(302, redirectUrl);
    }),
  );

  r.get(
    '/auth/oidc/:connection/callback',
    'public',
    ...handle({ params: ConnectionParams }, async (req, res) => {
      const cookies = parseCookies(req.get('cookie'));
      const result = await oidc.finish({
        connection: req.params.connection,
        // The raw query, exactly as the IdP sent it (code, state, iss or error).
        query: new URL(req.originalUrl, 'http://callback.invalid').searchParams,
        bindingToken: cookies.get(names.login),
        previousSessionToken: cookies.get(names.session),
        userAgent: req.get('user-agent') ?? '',
        ip: req.ip,
      });
      sessions.setCookie(res, result.sessionToken);
      res.setHeader('cache-control', 'no-store');
      res.redirect(302, result.returnTo);
    }),
  );

  r.post('/auth/logout', 'public', async (req, res) => {
    let logoutUrl: string | null = null;
    const credential = req.auth?.credential;
    if (credential?.type === 'session') {
      await sessions.logout(actorOf(req), credential.sessionId);
      logoutUrl = await oidc.logoutUrl(credential.connection);
    }
    sessions.clearCookie(res);
    res.setHeader('cache-control', 'no-store');
    res.json({ logout_url: logoutUrl });
  });
}
