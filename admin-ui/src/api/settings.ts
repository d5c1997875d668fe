/** Retention settings and retention runs (server/src/content, compliance/retention). */
import { api } from './client.js';

export type RetentionMode = 'none' | 'full';

export interface Retention {
  content: RetentionMode;
  content_days: number;
  usage_days: number;
  sessions_days: number;
}

export interface Settings {
  retention: Retention;
  /** The key-encryption key that protects retained content (never the key itself). */
  encryption: { available: boolean; source: string; kek_id: string | null };
  updated_at: string | null;
  updated_by: string | null;
}

export interface RetentionRun {
  id: string;
  trigger: 'schedule' | 'manual';
  requested_by: string | null;
  status: 'running' | 'done' | 'failed' | 'abandoned';
  started_at: string | null;
  finished_at: string | null;
  cutoffs: Record<string, string>;
  deleted: Record<string, number>;
  error: string | null;
}

export const settings = {
  get: () => api.get<Settings>('/api/v1/admin/settings'),
  update: (retention: Partial<Retention>) => api.put<Settings>('/api/v1/admin/settings', { retention }),
  runs: () => api.get<{ runs: RetentionRun[] }>('/api/v1/admin/retention/runs', { query: { limit: 5 } }),
  runNow: () => api.post<{ run: RetentionRun }>('/api/v1/admin/retention/runs'),
};
