import type { Static } from '@sinclair/typebox';
import { type Request, type RequestHandler, Router } from 'express';
import type { Db } from '../platform/db/knex.js';
import { AppError } from '../platform/errors.js';
import { validate } from '../platform/http/validate.js';
import { queryDaily } from './repository.js';
import { AdminUsageQuery, OwnUsageQuery } from './schemas.js';
import type { UsageDimension, UsageQuery } from './types.js';

const DAY_MS = 86_400_000;
/** Longest period one query may cover. */
const MAX_DAYS = 400;

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Resolves the period (default: the last 30 days) and grouping of a usage query. */
export function usagePeriod(
  query: { from?: string | undefined; to?: string | undefined; group_by?: string | undefined },
  defaultGroup: UsageDimension[],
): Pick<UsageQuery, 'from' | 'to' | 'groupBy'> {
  const to = query.to ?? isoDay(Date.now());
  const from = query.from ?? isoDay(Date.parse(to) - 29 * DAY_MS);
  const days = (Date.parse(to) - Date.parse(from)) / DAY_MS;
  if (days < 0) throw new AppError('VALIDATION_FAILED', 'from must not be after to.');
  if (days >= MAX_DAYS)
    throw new AppError('VALIDATION_FAILED', `A query may cover at most ${MAX_DAYS} days.`);
  const groupBy = query.group_by ? [...new Set(query.group_by.split(',') as UsageDimension[])] : defaultGroup;
  return { from, to, groupBy };
}

/**
 * `GET /` (mounted at `/api/v1/user/usage`): the caller's own usage from the daily rollup.
 * Query: from, to (UTC days), model, group_by (default day).
 */
export function ownUsageRouter(db: Db, caller: (req: Request) => { userId: string }): Router {
  const router = Router();
  router.get('/', validate({ query: OwnUsageQuery }), (async (req, res) => {
    const query = req.query as unknown as Static<typeof OwnUsageQuery>;
    const period = usagePeriod(query, ['day']);
    const groupBy = period.groupBy.filter((d) => d !== 'user');
    const result = await queryDaily(db, {
      ...period,
      groupBy,
      userId: caller(req).userId,
      model: query.model,
    });
    res.json({
      from: period.from,
      to: period.to,
      group_by: groupBy,
      data: result.rows,
      totals: result.totals,
    });
  }) as RequestHandler);
  return router;
}

/**
 * `GET /` (mounted at `/api/v1/admin/usage`): usage of everyone, filtered by user_id, team_id,
 * model and period, grouped by day, user, team and/or model (default day).
 */
export function adminUsageRouter(db: Db): Router {
  const router = Router();
  router.get('/', validate({ query: AdminUsageQuery }), (async (req, res) => {
    const query = req.query as unknown as Static<typeof AdminUsageQuery>;
    const period = usagePeriod(query, ['day']);
    const result = await queryDaily(db, {
      ...period,
      userId: query.user_id,
      teamId: query.team_id,
      model: query.model,
    });
    res.json({
      from: period.from,
      to: period.to,
      group_by: period.groupBy,
      data: result.rows,
      totals: result.totals,
    });
  }) as RequestHandler);
  return router;
}
