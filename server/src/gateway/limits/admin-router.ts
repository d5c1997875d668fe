import type { Static } from '@sinclair/typebox';
import { type Request, Router } from 'express';
import { validate } from '../../platform/http/validate.js';
import type { Caller } from './limiter.js';
import type { SubjectType } from './plan-repository.js';
import {
  type PlanInput,
  presentAssignment,
  presentConsumption,
  presentPlan,
  type QuotaService,
} from './quota-service.js';
import {
  AssignBody,
  AssignmentParams,
  AssignmentQuery,
  CreatePlanBody,
  PlanParams,
  UpdatePlanBody,
} from './schemas.js';

/**
 * The quota admin API (mounted by app.ts, e.g. under `/api/v1/admin/quotas` behind users:manage):
 * plans (`/plans`) and which user, team or API key has which plan (`/assignments`).
 */
export function quotaAdminRouter(quotas: QuotaService, caller: (req: Request) => Caller): Router {
  const router = Router();
  const actor = (req: Request) => ({ userId: caller(req).userId, ip: req.ip });
  router.get('/plans', async (_req, res) => {
    const [plans, counts] = await Promise.all([quotas.listPlans(), quotas.assignmentCounts()]);
    res.json({ data: plans.map((p) => ({ ...presentPlan(p), assignments: counts.get(p.id) ?? 0 })) });
  });
  router.post('/plans', validate({ body: CreatePlanBody }), async (req, res) => {
    const body = req.body as Static<typeof CreatePlanBody>;
    res
      .status(201)
      .json(presentPlan(await quotas.createPlan(body as PlanInput & { name: string }, actor(req))));
  });
  router.get('/plans/:id', validate({ params: PlanParams }), async (req, res) => {
    res.json(presentPlan(await quotas.getPlan(req.params.id as string)));
  });
  router.patch('/plans/:id', validate({ params: PlanParams, body: UpdatePlanBody }), async (req, res) => {
    const body = req.body as PlanInput;
    res.json(presentPlan(await quotas.updatePlan(req.params.id as string, body, actor(req))));
  });
  router.delete('/plans/:id', validate({ params: PlanParams }), async (req, res) => {
    await quotas.deletePlan(req.params.id as string, actor(req));
    res.status(204).end();
  });
  // Who uses a plan and how much of each limit, in the current minute, UTC day and month.
  router.get('/plans/:id/consumption', validate({ params: PlanParams }), async (req, res) => {
    const { plan, assignments, used, labels } = await quotas.consumption(req.params.id as string);
    res.json({
      plan: presentPlan(plan),
      measured_at: new Date().toISOString(),
      data: assignments.map((a) => {
        const key = `${a.subjectType}:${a.subjectId}`;
        const consumption = used.get(key);
        return {
          ...presentAssignment(a, labels.get(key)),
          ...(consumption ? { consumption: presentConsumption(plan, consumption) } : {}),
        };
      }),
    });
  });
  router.get('/assignments', validate({ query: AssignmentQuery }), async (req, res) => {
    const q = req.query as Static<typeof AssignmentQuery>;
    const rows = await quotas.listAssignments({
      ...(q.subject_type ? { subjectType: q.subject_type } : {}),
      ...(q.subject_id ? { subjectId: q.subject_id } : {}),
      ...(q.plan_id ? { planId: q.plan_id } : {}),
    });
    const labels = await quotas.labels(rows.map((a) => ({ type: a.subjectType, id: a.subjectId })));
    res.json({ data: rows.map((a) => presentAssignment(a, labels.get(`${a.subjectType}:${a.subjectId}`))) });
  });
  router.put(
    '/assignments/:subject_type/:subject_id',
    validate({ params: AssignmentParams, body: AssignBody }),
    async (req, res) => {
      const { plan_id: planId } = req.body as Static<typeof AssignBody>;
      const type = req.params.subject_type as SubjectType;
      const assignment = await quotas.assign(type, req.params.subject_id as string, planId, actor(req));
      const labels = await quotas.labels([{ type, id: assignment.subjectId }]);
      res.json(presentAssignment(assignment, labels.get(`${type}:${assignment.subjectId}`)));
    },
  );
  router.delete(
    '/assignments/:subject_type/:subject_id',
    validate({ params: AssignmentParams }),
    async (req, res) => {
      await quotas.unassign(
        req.params.subject_type as SubjectType,
        req.params.subject_id as string,
        actor(req),
      );
      res.status(204).end();
    },
  );
  return router;
}
