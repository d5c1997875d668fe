/** Identity endpoints (server/src/identity/routes): sign-in, the signed-in user, keys, sessions, users, teams. */
import { api } from './client.js';

export type Role = 'admin' | 'auditor' | 'team_admin' | 'developer';
export type Scope = 'all' | 'team' | 'own';
export type ApiKeyScope = 'gateway' | 'assistant' | 'receipts:read' | 'compliance:export' | 'admin';

export const ROLES: readonly Role[] = ['admin', 'auditor', 'team_admin', 'developer'];
export const API_KEY_SCOPES: readonly ApiKeyScope[] = [
  'gateway',
  'assistant',
  'receipts:read',
  'compliance:export',
  'admin',
];

export interface Connection {
  name: string;
  display_name: string;
  login_url: string;
}

export interface User {
  id: string;
  email: string;
  name: string;
  status: 'active' | 'disabled';
  created_at: string | null;
  last_login_at: string | null;
  disabled_at: string | null;
}

export interface RoleBinding {
  role: Role;
  team_id: string | null;
  team_slug: string | null;
  source: string;
  created_at: string | null;
}

export interface Membership {
  id: string;
  slug: string;
  name: string;
  role: 'member' | 'team_admin';
  source: string;
}

export interface Me {
  user: User;
  roles: RoleBinding[];
  teams: Membership[];
  permissions: Record<string, Scope>;
  auth:
    | { method: 'session'; session_id: string; connection: string }
    | { method: 'api_key'; api_key_id: string; scopes: string[] };
  csrf_token?: string;
}

export interface Session {
  id: string;
  current: boolean;
  connection: string;
  user_agent: string | null;
  created_at: string | null;
  last_seen_at: string | null;
  expires_at: string | null;
  idle_expires_at: string | null;
}

export interface ApiKey {
  id: string;
  user_id: string;
  name: string;
  prefix: string;
  scopes: ApiKeyScope[];
  status: 'active' | 'expired' | 'revoked';
  created_at: string | null;
  expires_at: string | null;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface UserDetail {
  user: User;
  roles: RoleBinding[];
  teams: Membership[];
  identities: Array<{
    connection: string;
    subject: string;
    created_at: string | null;
    last_login_at: string | null;
  }>;
}

export interface Team {
  id: string;
  slug: string;
  name: string;
  description: string;
  created_at: string | null;
  updated_at: string | null;
  member_count?: number;
}

export interface TeamMember {
  user_id: string;
  email: string;
  name: string;
  status: string;
  role: 'member' | 'team_admin';
  source: string;
  created_at: string | null;
}

export type KeyStatusFilter = 'active' | 'expired' | 'revoked' | 'all';

/** A device sign-in (`aila login`, RFC 8628) as the approval page sees it (server/src/identity/device). */
export interface DeviceRequest {
  user_code: string;
  client_id: string;
  client_name: string;
  scopes_requested: ApiKeyScope[];
  /** What approving grants you: the requested scopes your roles allow. */
  scopes_granted: ApiKeyScope[];
  status: 'pending' | 'approved' | 'denied' | 'consumed';
  created_at: string;
  expires_at: string;
}

export const identity = {
  connections: () => api.get<{ connections: Connection[] }>('/auth/connections', { quiet401: true }),
  me: () => api.get<Me>('/api/v1/me', { quiet401: true }),
  logout: () => api.post<{ logout_url: string | null }>('/auth/logout'),

  sessions: () => api.get<{ sessions: Session[] }>('/api/v1/me/sessions'),
  revokeSession: (id: string) => api.delete<void>(`/api/v1/me/sessions/${encodeURIComponent(id)}`),

  keys: (query: { status?: KeyStatusFilter; limit?: number; offset?: number } = {}) =>
    api.get<{ keys: ApiKey[]; total: number }>('/api/v1/me/keys', { query }),
  createKey: (body: { name: string; scopes: ApiKeyScope[]; expires_in_days?: number }) =>
    api.post<{ key: ApiKey; secret: string }>('/api/v1/me/keys', body),
  revokeKey: (id: string) => api.delete<{ key: ApiKey }>(`/api/v1/me/keys/${encodeURIComponent(id)}`),

  deviceRequest: (userCode: string, signal?: AbortSignal) =>
    api.get<{ request: DeviceRequest }>(`/api/v1/device/${encodeURIComponent(userCode)}`, { signal }),
  decideDevice: (userCode: string, decision: 'approve' | 'deny') =>
    api.post<{ request: DeviceRequest }>(`/api/v1/device/${encodeURIComponent(userCode)}/${decision}`),

  users: (query: { q?: string; status?: 'active' | 'disabled'; limit?: number; offset?: number }) =>
    api.get<{ users: User[]; total: number }>('/api/v1/admin/users', { query }),
  user: (id: string) => api.get<UserDetail>(`/api/v1/admin/users/${encodeURIComponent(id)}`),
  setRoles: (id: string, roles: Array<{ role: Role; team_id?: string }>) =>
    api.put<UserDetail>(`/api/v1/admin/users/${encodeURIComponent(id)}/roles`, { roles }),
  disableUser: (id: string) => api.post<UserDetail>(`/api/v1/admin/users/${encodeURIComponent(id)}/disable`),
  enableUser: (id: string) => api.post<UserDetail>(`/api/v1/admin/users/${encodeURIComponent(id)}/enable`),
  revokeUserSessions: (id: string) =>
    api.delete<{ revoked: number }>(`/api/v1/admin/users/${encodeURIComponent(id)}/sessions`),

  teams: () => api.get<{ teams: Team[] }>('/api/v1/admin/teams'),
  team: (id: string) =>
    api.get<{ team: Team; members: TeamMember[] }>(`/api/v1/admin/teams/${encodeURIComponent(id)}`),
  createTeam: (body: { slug: string; name: string; description?: string }) =>
    api.post<{ team: Team }>('/api/v1/admin/teams', body),
  updateTeam: (id: string, body: { name?: string; description?: string }) =>
    api.patch<{ team: Team }>(`/api/v1/admin/teams/${encodeURIComponent(id)}`, body),
  deleteTeam: (id: string) => api.delete<void>(`/api/v1/admin/teams/${encodeURIComponent(id)}`),
  setMember: (teamId: string, userId: string, role: 'member' | 'team_admin') =>
    api.put<{ members: TeamMember[] }>(
      `/api/v1/admin/teams/${encodeURIComponent(teamId)}/members/${encodeURIComponent(userId)}`,
      { role },
    ),
  removeMember: (teamId: string, userId: string) =>
    api.delete<void>(
      `/api/v1/admin/teams/${encodeURIComponent(teamId)}/members/${encodeURIComponent(userId)}`,
    ),
};
