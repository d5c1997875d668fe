import type { ApiKeyService } from '../keys/service.js';
import { presentKey, presentMe, presentSession } from '../presenters.js';
import { actorOf, principalOf } from '../principal.js';
import { type DeclaredRouter, handle } from '../route-registry.js';
import { CreateKeyBody, IdParams, OwnKeysQuery } from '../schemas.js';
import type { SessionService } from '../sessions/service.js';
import type { UserService } from '../users/service.js';

export interface MeRoutesDeps {
  users: UserService;
  sessions: SessionService;
  keys: ApiKeyService;
}

/** The signed-in user's own profile, sessions and API keys under `/api/v1/me`. */
export function meRoutes(r: DeclaredRouter, { users, sessions, keys }: MeRoutesDeps): void {
  r.get('/api/v1/me', 'authenticated', async (req, res) => {
    const principal = principalOf(req);
    const { user, roles, teams } = await users.get(principal.userId);
    res.setHeader('cache-control', 'no-store');
    res.json(presentMe(principal, user, roles, teams));
  });

  r.get('/api/v1/me/sessions', 'authenticated', async (req, res) => {
    const principal = principalOf(req);
    const current = principal.credential.type === 'session' ? principal.credential.sessionId : undefined;
    const rows = await sessions.listOwn(principal.userId);
    res.json({ sessions: rows.map((row) => presentSession(row, sessions.idleExpiresAt(row), current)) });
  });

  r.delete(
    '/api/v1/me/sessions/:id',
    'authenticated',
    ...handle({ params: IdParams }, async (req, res) => {
      const principal = principalOf(req);
      await sessions.revokeOwn(actorOf(req), req.params.id);
      if (principal.credential.type === 'session' && principal.credential.sessionId === req.params.id) {
        sessions.clearCookie(res);
      }
      res.status(204).end();
    }),
  );

  r.post(
    '/api/v1/me/keys',
    'keys:own',
    ...handle({ body: CreateKeyBody }, async (req, res) => {
      const { row, secret } = await keys.create(actorOf(req), principalOf(req).grants, {
        name: req.body.name,
        scopes: req.body.scopes,
        expiresInDays: req.body.expires_in_days,
      });
      res.setHeader('cache-control', 'no-store');
      // The only time the secret is ever shown.
      res.status(201).json({ key: presentKey(row), secret });
    }),
  );

  r.get(
    '/api/v1/me/keys',
    'keys:own',
    ...handle({ query: OwnKeysQuery }, async (req, res) => {
      const { rows, total } = await keys.list({ userId: principalOf(req).userId, ...req.query });
      res.json({ keys: rows.map((row) => presentKey(row)), total });
    }),
  );

  r.delete(
    '/api/v1/me/keys/:id',
    'keys:own',
    ...handle({ params: IdParams }, async (req, res) => {
      const row = await keys.revoke(actorOf(req), req.params.id, principalOf(req).userId);
      res.json({ key: presentKey(row) });
    }),
  );
}
