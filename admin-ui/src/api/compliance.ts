/** Compliance export endpoints (server/src/compliance/export): request, follow, download, delete. */
import { api } from './client.js';

export type ExportPart = 'receipts' | 'audit' | 'content';
export type ExportStatus = 'queued' | 'running' | 'completed' | 'failed' | 'expired';

export interface ExportJob {
  id: string;
  status: ExportStatus;
  requested_by: string;
  created_at: string;
  started_at: string | null;
  completed_at: string | null;
  expires_at: string | null;
  query: {
    from: string;
    to: string;
    teams: string[];
    users: string[];
    models: string[];
    ops: string[];
    include: ExportPart[];
  };
  pinned: Partial<Record<'receipts' | 'audit', number>>;
  since: Partial<Record<'receipts' | 'audit', { size: number }>>;
  progress: { entries_written: number; entries_total: number | null; bytes: number; percent: number };
  bundle: { file_name: string; bytes: number; sha256: string; counts: Record<string, number> } | null;
  error: { code: string; message: string } | null;
  links: { self: string; download: string };
}

export interface ExportRequest {
  from: string;
  to: string;
  teams?: string[];
  users?: string[];
  models?: string[];
  ops?: string[];
  include: ExportPart[];
  since_checkpoint?: string;
}

export const compliance = {
  list: (cursor?: string) =>
    api.get<{ items: ExportJob[]; next_cursor: string | null }>('/api/v1/compliance/exports', {
      query: { limit: 50, cursor },
    }),
  get: (id: string) => api.get<ExportJob>(`/api/v1/compliance/exports/${encodeURIComponent(id)}`),
  create: (body: ExportRequest) => api.post<ExportJob>('/api/v1/compliance/exports', body),
  remove: (id: string) => api.delete<void>(`/api/v1/compliance/exports/${encodeURIComponent(id)}`),
};
