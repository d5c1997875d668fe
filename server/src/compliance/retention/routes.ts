import { actorOf, type DeclaredRouter, handle } from '../../identity/index.js';
import type { Db } from '../../platform/db/knex.js';
import { AppError } from '../../platform/errors.js';
import type { RetentionJob } from './job.js';
import { presentHold, presentRun } from './presenters.js';
import { listRuns } from './repository.js';
import { DestroyKeyBody, HoldParams, ListHoldsQuery, ListRunsQuery, PlaceHoldBody } from './schemas.js';
import type { RetentionService } from './service.js';

/**
 * Legal holds (`/api/v1/compliance/legal-holds`, compliance:export), retention runs
 * (`/api/v1/admin/retention/runs`, settings:manage) and crypto-shredding
 * (`POST /api/v1/admin/content-keys/destroy`, settings:manage).
 */
export function declareRetentionRoutes(
  r: DeclaredRouter,
  { db, service, job }: { db: Db; service: RetentionService; job: RetentionJob },
): void {
  r.get(
    '/api/v1/compliance/legal-holds',
    'compliance:export',
    ...handle({ query: ListHoldsQuery }, async (req, res) => {
      res.json({ holds: (await service.listHolds(req.query.active)).map(presentHold) });
    }),
  );

  r.post(
    '/api/v1/compliance/legal-holds',
    'compliance:export',
    ...handle({ body: PlaceHoldBody }, async (req, res) => {
      res.status(201).json({ hold: presentHold(await service.placeHold(actorOf(req), req.body)) });
    }),
  );

  r.delete(
    '/api/v1/compliance/legal-holds/:id',
    'compliance:export',
    ...handle({ params: HoldParams }, async (req, res) => {
      res.json({ hold: presentHold(await service.releaseHold(actorOf(req), req.params.id)) });
    }),
  );

  r.get(
    '/api/v1/admin/retention/runs',
    'settings:manage',
    ...handle({ query: ListRunsQuery }, async (req, res) => {
      res.json({ runs: (await listRuns(db, req.query.limit)).map(presentRun) });
    }),
  );

  r.post('/api/v1/admin/retention/runs', 'settings:manage', async (req, res) => {
    const run = await job.run('manual', actorOf(req).userId);
    if (!run) throw new AppError('RETENTION_RUNNING');
    res.status(201).json({ run: presentRun(run) });
  });

  r.post(
    '/api/v1/admin/content-keys/destroy',
    'settings:manage',
    ...handle({ body: DestroyKeyBody }, async (req, res) => {
      const { scope, id, reason } = req.body;
      const destroyed = await service.destroyKey(actorOf(req), { type: scope, id }, reason);
      res.json({ scope, id, destroyed_keys: destroyed });
    }),
  );
}
