import type { AuditService } from '../audit/index.js';
import { actorOf, type DeclaredRouter, handle } from '../identity/index.js';
import type { Db } from '../platform/db/knex.js';
import { AppError } from '../platform/errors.js';
import { presentOperationContent, presentSettings } from './presenters.js';
import { ReadContentBody, UpdateSettingsBody } from './schemas.js';
import type { ContentService } from './service.js';

/**
 * Settings (`/api/v1/admin/settings`, settings:manage) and the break-glass read of retained content
 * (`POST /api/v1/admin/content/read`, content:break_glass: every read is an audit event with its
 * reason, committed before the content is returned).
 */
export function declareContentRoutes(
  r: DeclaredRouter,
  { db, content, audit }: { db: Db; content: ContentService; audit: AuditService },
): void {
  r.get('/api/v1/admin/settings', 'settings:manage', async (_req, res) => {
    res.json(presentSettings(await content.settings(), content.keyStatus()));
  });

  r.put(
    '/api/v1/admin/settings',
    'settings:manage',
    ...handle({ body: UpdateSettingsBody }, async (req, res) => {
      const stored = await content.updateSettings(actorOf(req), req.body.retention);
      res.json(presentSettings(stored, content.keyStatus()));
    }),
  );

  r.post(
    '/api/v1/admin/content/read',
    'content:break_glass',
    ...handle({ body: ReadContentBody }, async (req, res) => {
      const actor = actorOf(req);
      const { request_id: requestId, reason } = req.body;
      const found = await db.transaction(async (trx) => {
        const [item] = await content.readOperations(trx, [requestId]);
        await audit.record(trx, {
          action: 'content.read',
          outcome: item ? 'success' : 'failure',
          actor: { type: 'user', id: actor.userId, ...(actor.ip ? { ip: actor.ip } : {}) },
          target: { type: 'operation', id: requestId },
          details: { reason, ...(item ? { shredded: item.shredded } : { found: false }) },
        });
        return item;
      });
      if (!found) throw new AppError('NOT_FOUND', 'No content is retained for this request id.');
      res.json(presentOperationContent(found));
    }),
  );
}
