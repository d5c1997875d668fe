import { Type } from '@sinclair/typebox';
import type { AuthConfig } from '../config-schema.js';
import { cookieNames, parseCookies } from '../cookies.js';
import { type DeclaredRouter, handle } from '../route-registry.js';
import type { SessionService } from '../sessions/service.js';
import type { LocalAuthService } from './service.js';

const BootstrapQuery = Type.Object(
  { token: Type.String({ pattern: '^[A-Za-z0-9_-]{43}$' }) },
  { additionalProperties: false },
);

const BreakGlassBody = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 64 }),
    password: Type.String({ minLength: 1, maxLength: 1024 }),
  },
  { additionalProperties: false },
);

/** Sign-ins without SSO: the bootstrap link (`GET /auth/bootstrap`) and break-glass (`POST /auth/break-glass`). */
export function localRoutes(
  r: DeclaredRouter,
  { local, sessions, config }: { local: LocalAuthService; sessions: SessionService; config: AuthConfig },
): void {
  const names = cookieNames(config.session.insecureCookies);
  const from = (req: { get(name: string): string | undefined; ip?: string | undefined }) => ({
    previousSessionToken: parseCookies(req.get('cookie')).get(names.session),
    userAgent: req.get('user-agent') ?? '',
    ip: req.ip,
  });

  r.get(
    '/auth/bootstrap',
    'public',
    ...handle({ query: BootstrapQuery }, async (req, res) => {
      const { sessionToken } = await local.bootstrap(req.query.token, from(req));
      sessions.setCookie(res, sessionToken);
      res.setHeader('cache-control', 'no-store');
      res.redirect(302, '/');
    }),
  );

  r.post(
    '/auth/break-glass',
    'public',
    ...handle({ body: BreakGlassBody }, async (req, res) => {
      const { sessionToken } = await local.breakGlass(req.body, from(req));
      sessions.setCookie(res, sessionToken);
      res.setHeader('cache-control', 'no-store');
      res.json({ signed_in: true });
    }),
  );
}
