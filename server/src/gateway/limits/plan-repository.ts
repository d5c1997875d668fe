import type { Db } from '../../platform/db/knex.js';

/** Who a quota plan can be assigned to. */
export const SUBJECT_TYPES = ['user', 'team', 'api_key'] as const;
export type SubjectType = (typeof SUBJECT_TYPES)[number];

/** The limits of a plan; null is unlimited (allowedModels null: every model). */
export interface PlanLimits {
  requestsPerMinute: number | null;
  tokensPerMinute: number | null;
  tokensPerDay: number | null;
  tokensPerMonth: number | null;
  maxConcurrentStreams: number | null;
  allowedModels: string[] | null;
}

/** A stored quota plan. */
export interface QuotaPlan extends PlanLimits {
  id: string;
  name: string;
  description: string;
  createdAt: Date;
  updatedAt: Date;
}

/** A plan assigned to a subject. */
export interface QuotaAssignment {
  subjectType: SubjectType;
  subjectId: string;
  planId: string;
  planName: string;
  createdAt: Date;
}

interface PlanRow {
  id: string;
  name: string;
  description: string;
  requests_per_minute: number | null;
  tokens_per_minute: string | null;
  tokens_per_day: string | null;
  tokens_per_month: string | null;
  max_concurrent_streams: number | null;
  allowed_models: string[] | null;
  created_at: Date;
  updated_at: Date;
}

const num = (v: string | number | null) => (v === null ? null : Number(v));

function toPlan(row: PlanRow): QuotaPlan {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    requestsPerMinute: row.requests_per_minute,
    tokensPerMinute: num(row.tokens_per_minute),
    tokensPerDay: num(row.tokens_per_day),
    tokensPerMonth: num(row.tokens_per_month),
    maxConcurrentStreams: row.max_concurrent_streams,
    allowedModels: row.allowed_models,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Column values of plan fields that are present in `fields`. */
export function planColumns(fields: Partial<PlanLimits> & { name?: string; description?: string }) {
  const columns: Record<string, unknown> = {};
  if (fields.name !== undefined) columns.name = fields.name;
  if (fields.description !== undefined) columns.description = fields.description;
  if (fields.requestsPerMinute !== undefined) columns.requests_per_minute = fields.requestsPerMinute;
  if (fields.tokensPerMinute !== undefined) columns.tokens_per_minute = fields.tokensPerMinute;
  if (fields.tokensPerDay !== undefined) columns.tokens_per_day = fields.tokensPerDay;
  if (fields.tokensPerMonth !== undefined) columns.tokens_per_month = fields.tokensPerMonth;
  if (fields.maxConcurrentStreams !== undefined) columns.max_concurrent_streams = fields.maxConcurrentStreams;
  if (fields.allowedModels !== undefined) columns.allowed_models = fields.allowedModels;
  return columns;
}

export async function listPlans(db: Db): Promise<QuotaPlan[]> {
  return ((await db('quota_plans').select('*').orderBy('name')) as PlanRow[]).map(toPlan);
}

export async function findPlan(db: Db, id: string): Promise<QuotaPlan | undefined> {
  const row = (await db('quota_plans').where({ id }).first()) as PlanRow | undefined;
  return row ? toPlan(row) : undefined;
}

export async function insertPlan(db: Db, id: string, columns: Record<string, unknown>): Promise<QuotaPlan> {
  const [row] = (await db('quota_plans')
    .insert({ id, ...columns })
    .returning('*')) as PlanRow[];
  if (!row) throw new Error('quota plan insert returned no row');
  return toPlan(row);
}

export async function updatePlan(
  db: Db,
  id: string,
  columns: Record<string, unknown>,
): Promise<QuotaPlan | undefined> {
  const [row] = (await db('quota_plans')
    .where({ id })
    .update({ ...columns, updated_at: db.fn.now() })
    .returning('*')) as PlanRow[];
  return row ? toPlan(row) : undefined;
}

export async function deletePlan(db: Db, id: string): Promise<boolean> {
  return (await db('quota_plans').where({ id }).delete()) > 0;
}

export async function countAssignments(db: Db, planId: string): Promise<number> {
  const row = (await db('quota_assignments').where({ plan_id: planId }).count({ count: '*' }).first()) as
    | { count: string }
    | undefined;
  return Number(row?.count ?? 0);
}

/** How many subjects each plan is assigned to, by plan id. */
export async function assignmentCounts(db: Db): Promise<Map<string, number>> {
  const rows = (await db('quota_assignments')
    .groupBy('plan_id')
    .select('plan_id', db.raw('count(*) as n'))) as Array<{
    plan_id: string;
    n: string;
  }>;
  return new Map(rows.map((r) => [r.plan_id, Number(r.n)]));
}

interface AssignmentRow {
  subject_type: SubjectType;
  subject_id: string;
  plan_id: string;
  plan_name: string;
  created_at: Date;
}

const toAssignment = (row: AssignmentRow): QuotaAssignment => ({
  subjectType: row.subject_type,
  subjectId: row.subject_id,
  planId: row.plan_id,
  planName: row.plan_name,
  createdAt: row.created_at,
});

export async function listAssignments(
  db: Db,
  filter: { subjectType?: SubjectType; subjectId?: string; planId?: string },
): Promise<QuotaAssignment[]> {
  const query = db('quota_assignments as a')
    .join('quota_plans as p', 'p.id', 'a.plan_id')
    .select('a.subject_type', 'a.subject_id', 'a.plan_id', 'p.name as plan_name', 'a.created_at')
    .orderBy([{ column: 'a.subject_type' }, { column: 'a.subject_id' }]);
  if (filter.subjectType) query.where('a.subject_type', filter.subjectType);
  if (filter.subjectId) query.where('a.subject_id', filter.subjectId);
  if (filter.planId) query.where('a.plan_id', filter.planId);
  return ((await query) as AssignmentRow[]).map(toAssignment);
}

export async function upsertAssignment(
  db: Db,
  subjectType: SubjectType,
  subjectId: string,
  planId: string,
  createdBy: string,
): Promise<void> {
  await db('quota_assignments')
    .insert({ subject_type: subjectType, subject_id: subjectId, plan_id: planId, created_by: createdBy })
    .onConflict(['subject_type', 'subject_id'])
    .merge({ plan_id: planId, created_by: createdBy, created_at: db.fn.now() });
}

export async function deleteAssignment(
  db: Db,
  subjectType: SubjectType,
  subjectId: string,
): Promise<boolean> {
  return (
    (await db('quota_assignments').where({ subject_type: subjectType, subject_id: subjectId }).delete()) > 0
  );
}

/** The plans assigned to any of `subjects`, keyed `<type>:<id>`. */
export async function plansOfSubjects(
  db: Db,
  subjects: ReadonlyArray<{ type: SubjectType; id: string }>,
): Promise<Map<string, QuotaPlan>> {
  if (subjects.length === 0) return new Map();
  const rows = (await db('quota_assignments as a')
    .join('quota_plans as p', 'p.id', 'a.plan_id')
    .whereIn(
      ['a.subject_type', 'a.subject_id'],
      subjects.map((s) => [s.type, s.id]),
    )
    .select('a.subject_type', 'a.subject_id', 'p.*')) as Array<
    PlanRow & { subject_type: string; subject_id: string }
  >;
  return new Map(rows.map((row) => [`${row.subject_type}:${row.subject_id}`, toPlan(row)]));
}
