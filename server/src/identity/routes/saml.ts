import express from 'express';
import type { AuthConfig } from '../config-schema.js';
import { cookieNames, parseCookies, serializeCookie } from '../cookies.js';
import { type TestLoginService, testLoginPage } from '../idp/test-login.js';
import { type DeclaredRouter, handle } from '../route-registry.js';
import type { SamlService } from '../saml/service.js';
import { ConnectionParams } from '../schemas.js';
import type { SessionService } from '../sessions/service.js';

/** What the SAML routes need. */
export interface SamlRoutesDeps {
  saml: SamlService;
  sessions: SessionService;
  testLogins: TestLoginService;
  config: AuthConfig;
}

/** SAML messages arrive form-encoded (SAML 2.0 bindings §3.5.4); large group lists make them big. */
const form = express.urlencoded({ extended: false, limit: '2mb', parameterLimit: 16 });

const formFields = (body: unknown): Record<string, unknown> =>
  body !== null && typeof body === 'object' ? (body as Record<string, unknown>) : {};

/** The raw query string and its first value of each name (node-saml verifies signatures on the raw string). */
function queryOf(originalUrl: string): { raw: string; fields: Record<string, string> } {
  const raw = originalUrl.includes('?') ? originalUrl.slice(originalUrl.indexOf('?') + 1) : '';
  const fields: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(raw)) if (!(name in fields)) fields[name] = value;
  return { raw, fields };
}

/** The SAML service provider endpoints under `/auth/saml/:connection`. */
export function samlRoutes(r: DeclaredRouter, { saml, sessions, testLogins, config }: SamlRoutesDeps): void {
  const names = cookieNames(config.session.insecureCookies);
  const secure = !config.session.insecureCookies;

  r.get(
    '/auth/saml/:connection/metadata',
    'public',
    ...handle({ params: ConnectionParams }, (req, res) => {
      res.type('application/samlmetadata+xml').send(saml.metadata(req.params.connection));
    }),
  );

  // SAML 2.0 profiles §4.1.4: the assertion consumer service, HTTP-POST binding.
  r.post(
    '/auth/saml/:connection/acs',
    'public',
    form,
    ...handle({ params: ConnectionParams }, async (req, res) => {
      const cookies = parseCookies(req.get('cookie'));
      res.setHeader('cache-control', 'no-store');
      // A test sign-in's Response arrives here too, and never opens a session.
      const test = await testLogins.finishSaml({
        connection: req.params.connection,
        body: formFields(req.body),
        bindingToken: cookies.get(names.saml),
        caller: { userId: req.auth?.userId, ip: req.ip },
      });
      if (test) {
        res.redirect(303, testLoginPage(test.id));
        return;
      }
      const result = await saml.finish({
        connection: req.params.connection,
        body: formFields(req.body),
        bindingToken: cookies.get(names.saml),
        previousSessionToken: cookies.get(names.session),
        userAgent: req.get('user-agent') ?? '',
        ip: req.ip,
      });
      sessions.setCookie(res, result.sessionToken);
      res.append(
        'set-cookie',
        serializeCookie(names.saml, '', {
          secure,
          maxAgeSeconds: 0,
          ...(secure ? { sameSite: 'None' as const } : {}),
        }),
      );
      // RFC 9110 §15.4.4: 303 turns the IdP's POST into a GET of the page the sign-in started from.
      res.redirect(303, result.returnTo);
    }),
  );

  // SAML 2.0 profiles §4.4: single logout, HTTP-Redirect (GET) and HTTP-POST bindings.
  const logout = (binding: 'redirect' | 'post') =>
    handle({ params: ConnectionParams }, async (req, res) => {
      const query = queryOf(req.originalUrl);
      const sessionToken = parseCookies(req.get('cookie')).get(names.session);
      const result = await saml.handleLogout({
        connection: req.params.connection,
        binding,
        fields: binding === 'redirect' ? query.fields : formFields(req.body),
        rawQuery: query.raw,
        sessionToken,
        ip: req.ip,
      });
      if (result.endedCurrentSession) sessions.clearCookie(res);
      res.setHeader('cache-control', 'no-store');
      res.redirect(binding === 'post' ? 303 : 302, result.redirectUrl);
    });
  r.get('/auth/saml/:connection/slo', 'public', ...logout('redirect'));
  r.post('/auth/saml/:connection/slo', 'public', form, ...logout('post'));
}
