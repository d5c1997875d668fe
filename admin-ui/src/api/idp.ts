/** SSO connections admin (server/src/identity/idp): connections, live status, test sign-ins, SCIM tokens. */
import { api } from './client.js';

export type Protocol = 'oidc' | 'saml';

export interface SignIns {
  last_24h: { succeeded: number; failed: number };
  last_success_at: string | null;
  last_failure: { at: string; reason: string | null } | null;
}

export interface ConnectionSummary {
  name: string;
  display_name: string;
  protocol: Protocol;
  domains: string[];
  sign_ins: SignIns;
}

export interface Mapping {
  claims: { email: string; name: string; groups: string };
  group_roles: Array<{ group: string; role: string }>;
  group_teams: Array<{ group: string; team: string; role: 'member' | 'team_admin' }>;
  default_role: string | null;
  domains: string[];
  jit: { creates_users: boolean; creates_teams: boolean; syncs_roles_at_sign_in: boolean };
}

export interface Certificate {
  subject: string;
  issuer: string;
  serial: string;
  fingerprint_sha256: string;
  valid_from: string;
  valid_to: string;
  days_left: number;
  state: 'ok' | 'expiring' | 'expired' | 'not_yet_valid';
}

export type OidcStatus =
  | {
      reachable: true;
      checked_at: string;
      latency_ms: number;
      issuer: string;
      authorization_endpoint: string | null;
      token_endpoint: string | null;
      userinfo_endpoint: string | null;
      end_session_endpoint: string | null;
      jwks_uri: string | null;
      signing_keys: number | null;
      problems: string[];
    }
  | { reachable: false; checked_at: string; error: string };

export type SamlStatus =
  | {
      reachable: true;
      checked_at: string;
      metadata_source: 'metadata_url' | 'metadata_xml' | 'configuration';
      metadata_fetched_at: string | null;
      idp_entity_id: string | null;
      sso_url: string;
      slo_url: string | null;
      idp_certificates: Certificate[];
      sp_certificate: Certificate;
    }
  | { reachable: false; checked_at: string; error: string; sp_certificate: Certificate };

interface DetailBase {
  name: string;
  display_name: string;
  mapping: Mapping;
  sign_ins: SignIns;
  scim: { users: number; groups: number };
}

export type ConnectionDetail =
  | (DetailBase & {
      protocol: 'oidc';
      oidc: {
        issuer: string;
        client_id: string;
        token_endpoint_auth_method: string;
        scopes: string[];
        redirect_uri: string;
        post_logout_redirect_uri: string;
        allow_insecure_http: boolean;
      };
      status: OidcStatus;
    })
  | (DetailBase & {
      protocol: 'saml';
      saml: {
        sp_entity_id: string;
        acs_url: string;
        slo_url: string;
        sp_metadata_url: string;
        idp_metadata_url: string | null;
        name_id_format: string;
        clock_skew_ms: number;
        allow_insecure_http: boolean;
      };
      status: SamlStatus;
    });

export interface PreviewRole {
  role: string;
  team: string | null;
  source: 'groups' | 'default_role' | 'pinned';
}

export interface TestLoginResult {
  subject?: string;
  claims?: Record<string, unknown>;
  oidc?: { id_token: Record<string, unknown>; userinfo: Record<string, unknown> | null };
  saml?: {
    name_id: string;
    name_id_format: string | null;
    session_index: string | null;
    issuer: string | null;
    assertion_id: string;
    not_on_or_after: string | null;
    attributes: Record<string, unknown>;
  };
  mapping?: {
    profile: { subject: string; email: string; name: string; groups: string[] } | null;
    scim_groups: string[];
    teams: Array<{ slug: string; role: 'member' | 'team_admin'; exists: boolean }>;
    user:
      | { match: 'new' }
      | { match: 'identity' | 'email'; id: string; email: string; name: string; status: string };
    roles: PreviewRole[];
    verdict:
      | { outcome: 'sign_in'; created: boolean }
      | { outcome: 'refused'; code: string; reason: string; message: string };
  };
  error?: { code: string; reason: string; message: string };
}

export interface TestLogin {
  id: string;
  connection: string;
  protocol: Protocol;
  status: 'pending' | 'redeemed' | 'succeeded' | 'failed';
  started_at: string;
  expires_at: string;
  completed_at: string | null;
  result: TestLoginResult | null;
}

export interface ScimToken {
  id: string;
  name: string;
  connection: string;
  prefix: string;
  status: 'active' | 'expired' | 'revoked';
  created_at: string;
  expires_at: string | null;
  last_used_at: string | null;
  revoked_at: string | null;
}

const enc = encodeURIComponent;

export const idp = {
  connections: () => api.get<{ connections: ConnectionSummary[] }>('/api/v1/admin/idp/connections'),
  connection: (name: string, signal?: AbortSignal) =>
    api.get<{ connection: ConnectionDetail }>(`/api/v1/admin/idp/connections/${enc(name)}`, { signal }),
  startTestLogin: (name: string) =>
    api.post<{ test_login: { id: string; protocol: Protocol; expires_at: string }; redirect_url: string }>(
      `/api/v1/admin/idp/connections/${enc(name)}/test-login`,
    ),
  testLogin: (id: string, signal?: AbortSignal) =>
    api.get<{ test_login: TestLogin }>(`/api/v1/admin/idp/test-logins/${enc(id)}`, { signal }),
  scimTokens: () => api.get<{ tokens: ScimToken[] }>('/api/v1/admin/scim-tokens'),
  createScimToken: (body: { name: string; connection: string; expires_in_days?: number }) =>
    api.post<{ token: ScimToken; secret: string }>('/api/v1/admin/scim-tokens', body),
  revokeScimToken: (id: string) => api.delete<{ token: ScimToken }>(`/api/v1/admin/scim-tokens/${enc(id)}`),
};
