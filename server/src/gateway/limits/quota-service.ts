import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { AuditValue } from '../../audit/event.js';
import type { AuditService } from '../../audit/index.js';
import { AppError } from '../../platform/errors.js';
import type { AdminActor } from '../backends/manager.js';
import {
  type Consumption,
  consumptionOf,
  type Subject,
  type SubjectLabel,
  subjectLabels,
} from './consumption-repository.js';
import {
  assignmentCounts,
  countAssignments,
  deleteAssignment,
  deletePlan,
  findPlan,
  insertPlan,
  listAssignments,
  listPlans,
  type PlanLimits,
  planColumns,
  type QuotaAssignment,
  type QuotaPlan,
  type SubjectType,
  updatePlan,
  upsertAssignment,
} from './plan-repository.js';

/** Plan fields as the admin API names them. */
export interface PlanInput {
  name?: string;
  description?: string;
  requests_per_minute?: number | null;
  tokens_per_minute?: number | null;
  tokens_per_day?: number | null;
  tokens_per_month?: number | null;
  max_concurrent_streams?: number | null;
  allowed_models?: string[] | null;
}

const toFields = (input: PlanInput): Partial<PlanLimits> & { name?: string; description?: string } => {
  const fields: Partial<PlanLimits> & { name?: string; description?: string } = {};
  if (input.name !== undefined) fields.name = input.name;
  if (input.description !== undefined) fields.description = input.description;
  if (input.requests_per_minute !== undefined) fields.requestsPerMinute = input.requests_per_minute;
  if (input.tokens_per_minute !== undefined) fields.tokensPerMinute = input.tokens_per_minute;
  if (input.tokens_per_day !== undefined) fields.tokensPerDay = input.tokens_per_day;
  if (input.tokens_per_month !== undefined) fields.tokensPerMonth = input.tokens_per_month;
  if (input.max_concurrent_streams !== undefined) fields.maxConcurrentStreams = input.max_concurrent_streams;
  if (input.allowed_models !== undefined) {
    fields.allowedModels = input.allowed_models === null ? null : [...new Set(input.allowed_models)].sort();
  }
  return fields;
};

/** A plan as the admin API shows it. */
export const presentPlan = (p: QuotaPlan) => ({
  id: p.id,
  name: p.name,
  description: p.description,
  requests_per_minute: p.requestsPerMinute,
  tokens_per_minute: p.tokensPerMinute,
  tokens_per_day: p.tokensPerDay,
  tokens_per_month: p.tokensPerMonth,
  max_concurrent_streams: p.maxConcurrentStreams,
  allowed_models: p.allowedModels,
  created_at: p.createdAt.toISOString(),
  updated_at: p.updatedAt.toISOString(),
});

/** An assignment as the admin API shows it, with its subject's label when known (null: deleted). */
export const presentAssignment = (a: QuotaAssignment, label?: SubjectLabel) => ({
  subject_type: a.subjectType,
  subject_id: a.subjectId,
  subject_label: label?.label ?? null,
  subject_detail: label?.detail ?? null,
  plan_id: a.planId,
  plan_name: a.planName,
  created_at: a.createdAt.toISOString(),
});

const windowOf = (used: number, limit: number | null) => ({ used, limit });

/** A subject's consumption next to its plan's limits (a null limit: unlimited). */
export const presentConsumption = (plan: QuotaPlan, c: Consumption) => ({
  requests_per_minute: windowOf(c.requestsThisMinute, plan.requestsPerMinute),
  tokens_per_minute: windowOf(c.tokensThisMinute, plan.tokensPerMinute),
  tokens_per_day: windowOf(c.tokensToday, plan.tokensPerDay),
  tokens_per_month: windowOf(c.tokensThisMonth, plan.tokensPerMonth),
  concurrent_streams: windowOf(c.streams, plan.maxConcurrentStreams),
});

/**
 * Quota plans and their assignments: every change commits with its `quota.updated` audit event, and
 * this replica's cached assignments are dropped at once (other replicas follow within planCacheMs).
 */
export class QuotaService {
  constructor(
    private readonly db: Knex,
    private readonly invalidate: () => void,
    private readonly audit?: AuditService | undefined,
  ) {}

  private async change<T>(
    actor: AdminActor,
    target: { type: string; id: string },
    details: { [key: string]: AuditValue },
    work: (trx: Knex.Transaction) => Promise<T>,
  ): Promise<T> {
    const result = await this.db.transaction(async (trx) => {
      const value = await work(trx);
      await this.audit?.record(trx, {
        action: 'quota.updated',
        outcome: 'success',
        actor: { type: 'user', id: actor.userId, ...(actor.ip ? { ip: actor.ip } : {}) },
        target,
        details,
      });
      return value;
    });
    this.invalidate();
    return result;
  }

  listPlans(): Promise<QuotaPlan[]> {
    return listPlans(this.db);
  }

  /** How many subjects each plan is assigned to. */
  assignmentCounts(): Promise<Map<string, number>> {
    return assignmentCounts(this.db);
  }

  /** Labels of assignment subjects (users, teams, API keys), by `<type>:<id>`. */
  labels(subjects: readonly Subject[]): Promise<Map<string, SubjectLabel>> {
    return subjectLabels(this.db, subjects);
  }

  /** The subjects of a plan with what each used in the windows the plan limits. */
  async consumption(planId: string) {
    const plan = await this.getPlan(planId);
    const assignments = await listAssignments(this.db, { planId });
    const subjects = assignments.map((a) => ({ type: a.subjectType, id: a.subjectId }));
    const [used, labels] = await Promise.all([
      consumptionOf(this.db, subjects),
      subjectLabels(this.db, subjects),
    ]);
    return { plan, assignments, used, labels };
  }

  async getPlan(id: string): Promise<QuotaPlan> {
    const plan = await findPlan(this.db, id);
    if (!plan) throw new AppError('NOT_FOUND', 'No such quota plan.');
    return plan;
  }

  createPlan(input: PlanInput & { name: string }, actor: AdminActor): Promise<QuotaPlan> {
    const id = randomUUID();
    return this.change(
      actor,
      { type: 'quota_plan', id },
      { change: 'plan_created', name: input.name },
      (trx) => insertPlan(trx, id, planColumns(toFields(input))),
    );
  }

  updatePlan(id: string, input: PlanInput, actor: AdminActor): Promise<QuotaPlan> {
    const fields = Object.keys(input).sort();
    return this.change(actor, { type: 'quota_plan', id }, { change: 'plan_updated', fields }, async (trx) => {
      const plan = await updatePlan(trx, id, planColumns(toFields(input)));
      if (!plan) throw new AppError('NOT_FOUND', 'No such quota plan.');
      return plan;
    });
  }

  deletePlan(id: string, actor: AdminActor): Promise<void> {
    return this.change(actor, { type: 'quota_plan', id }, { change: 'plan_deleted' }, async (trx) => {
      if ((await countAssignments(trx, id)) > 0) {
        throw new AppError('CONFLICT', 'The plan is still assigned; remove its assignments first.');
      }
      if (!(await deletePlan(trx, id))) throw new AppError('NOT_FOUND', 'No such quota plan.');
    });
  }

  listAssignments(filter: { subjectType?: SubjectType; subjectId?: string; planId?: string }) {
    return listAssignments(this.db, filter);
  }

  assign(
    subjectType: SubjectType,
    subjectId: string,
    planId: string,
    actor: AdminActor,
  ): Promise<QuotaAssignment> {
    return this.change(
      actor,
      { type: subjectType, id: subjectId },
      { change: 'plan_assigned', plan_id: planId },
      async (trx) => {
        if (!(await findPlan(trx, planId))) throw new AppError('REFERENCE_NOT_FOUND', 'No such quota plan.');
        await upsertAssignment(trx, subjectType, subjectId, planId, actor.userId);
        const [assignment] = await listAssignments(trx, { subjectType, subjectId });
        if (!assignment) throw new Error('assignment vanished after upsert');
        return assignment;
      },
    );
  }

  unassign(subjectType: SubjectType, subjectId: string, actor: AdminActor): Promise<void> {
    return this.change(
      actor,
      { type: subjectType, id: subjectId },
      { change: 'plan_unassigned' },
      async (trx) => {
        if (!(await deleteAssignment(trx, subjectType, subjectId))) {
          throw new AppError('NOT_FOUND', 'No plan is assigned to this subject.');
        }
      },
    );
  }
}
