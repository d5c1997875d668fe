/** Quota plans and their assignments (server/src/gateway/limits/admin-router.ts). */
import { api } from './client.js';
import type { ApiKey } from './identity.js';

export type SubjectType = 'user' | 'team' | 'api_key';

export interface PlanLimits {
  requests_per_minute: number | null;
  tokens_per_minute: number | null;
  tokens_per_day: number | null;
  tokens_per_month: number | null;
  max_concurrent_streams: number | null;
  /** null: every model. */
  allowed_models: string[] | null;
}

export interface Plan extends PlanLimits {
  id: string;
  name: string;
  description: string;
  created_at: string;
  updated_at: string;
  /** In the list only: how many subjects have the plan. */
  assignments?: number;
}

export type PlanInput = Partial<PlanLimits> & { name?: string; description?: string };

export interface Assignment {
  subject_type: SubjectType;
  subject_id: string;
  /** null when the user, team or key no longer exists. */
  subject_label: string | null;
  subject_detail: string | null;
  plan_id: string;
  plan_name: string;
  created_at: string;
}

export interface Window {
  used: number;
  limit: number | null;
}

export interface Consumption {
  requests_per_minute: Window;
  tokens_per_minute: Window;
  tokens_per_day: Window;
  tokens_per_month: Window;
  concurrent_streams: Window;
}

const enc = encodeURIComponent;
const base = '/api/v1/admin/quotas';

export const quotas = {
  plans: () => api.get<{ data: Plan[] }>(`${base}/plans`),
  createPlan: (body: PlanInput & { name: string }) => api.post<Plan>(`${base}/plans`, body),
  updatePlan: (id: string, body: PlanInput) => api.patch<Plan>(`${base}/plans/${enc(id)}`, body),
  deletePlan: (id: string) => api.delete<void>(`${base}/plans/${enc(id)}`),
  consumption: (id: string, signal?: AbortSignal) =>
    api.get<{ plan: Plan; measured_at: string; data: Array<Assignment & { consumption?: Consumption }> }>(
      `${base}/plans/${enc(id)}/consumption`,
      { signal },
    ),
  assign: (type: SubjectType, id: string, planId: string) =>
    api.put<Assignment>(`${base}/assignments/${type}/${enc(id)}`, { plan_id: planId }),
  unassign: (type: SubjectType, id: string) => api.delete<void>(`${base}/assignments/${type}/${enc(id)}`),
  assignmentsOf: (type: SubjectType, id: string) =>
    api.get<{ data: Assignment[] }>(`${base}/assignments`, { query: { subject_type: type, subject_id: id } }),
};

/** The active API keys of a user (keys:manage), to assign a plan to one of them. */
export const userKeys = (userId: string) =>
  api.get<{ keys: ApiKey[]; total: number }>('/api/v1/admin/keys', {
    query: { user_id: userId, status: 'active', limit: 200 },
  });
