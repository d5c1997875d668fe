import { Type } from '@sinclair/typebox';
import { actorOf } from '../principal.js';
import { type DeclaredRouter, handle } from '../route-registry.js';
import { IdParams } from '../schemas.js';
import { presentScimToken, type ScimTokenService } from './tokens.js';

const CreateScimTokenBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 128 }),
    connection: Type.String({ minLength: 1, maxLength: 64 }),
    expires_in_days: Type.Optional(Type.Integer({ minimum: 1, maximum: 3650 })),
  },
  { additionalProperties: false },
);

/** SCIM provisioning tokens under `/api/v1/admin/scim-tokens` (idp:manage). */
export function scimTokenRoutes(r: DeclaredRouter, { tokens }: { tokens: ScimTokenService }): void {
  r.post(
    '/api/v1/admin/scim-tokens',
    'idp:manage',
    ...handle({ body: CreateScimTokenBody }, async (req, res) => {
      const { row, secret } = await tokens.create(actorOf(req), {
        name: req.body.name,
        connection: req.body.connection,
        expiresInDays: req.body.expires_in_days,
      });
      res.setHeader('cache-control', 'no-store');
      // The only time the token is ever shown: paste it into the IdP's provisioning settings.
      res.status(201).json({ token: presentScimToken(row), secret });
    }),
  );

  r.get('/api/v1/admin/scim-tokens', 'idp:manage', async (_req, res) => {
    res.json({ tokens: (await tokens.list()).map((row) => presentScimToken(row)) });
  });

  r.delete(
    '/api/v1/admin/scim-tokens/:id',
    'idp:manage',
    ...handle({ params: IdParams }, async (req, res) => {
      res.json({ token: presentScimToken(await tokens.revoke(actorOf(req), req.params.id)) });
    }),
  );
}
