/**
 * Legal holds (`/api/v1/compliance/legal-holds`, compliance:export) and crypto-shredding of a user's
 * or a team's content (`POST /api/v1/admin/content-keys/destroy`, settings:manage), in
 * server/src/compliance/retention.
 */
import { api } from './client.js';

export type HoldScope = 'user' | 'team';

export interface LegalHold {
  id: string;
  scope: HoldScope;
  scope_id: string;
  reason: string;
  reference: string;
  created_by: string;
  created_at: string | null;
  released_by: string | null;
  released_at: string | null;
  active: boolean;
}

/** A user (with e-mail) or a team (with slug) a hold can name. */
export interface HoldSubject {
  id: string;
  name: string;
  email?: string;
  slug?: string;
}

export const holds = {
  /** Users matching `q` (name, e-mail or id), or teams matching it (name or slug; all without `q`). */
  subjects: (scope: HoldScope, q?: string) =>
    api.get<{ subjects: HoldSubject[] }>('/api/v1/compliance/subjects', { query: { scope, q } }),
  list: (active: boolean) =>
    api.get<{ holds: LegalHold[] }>('/api/v1/compliance/legal-holds', { query: { active } }),
  place: (body: { scope: HoldScope; id: string; reason: string; reference: string }) =>
    api.post<{ hold: LegalHold }>('/api/v1/compliance/legal-holds', body),
  release: (id: string) =>
    api.delete<{ hold: LegalHold }>(`/api/v1/compliance/legal-holds/${encodeURIComponent(id)}`),
  /** Destroys the content key of a user or team: what they did can never be read again. */
  eraseContent: (body: { scope: HoldScope; id: string; reason: string }) =>
    api.post<{ scope: HoldScope; id: string; destroyed_keys: string[] }>(
      '/api/v1/admin/content-keys/destroy',
      body,
    ),
};
