import type { ConnectionMapping } from '../config-shared.js';
import type { OidcConnection } from '../oidc/connections.js';
import type { SamlConnection } from '../saml/connections.js';
import type { SignInStats } from './repository.js';

/** Sign-in activity as the admin API shows it. */
export const presentStats = (s: SignInStats) => ({
  last_24h: s.last24h,
  last_success_at: s.lastSuccess?.toISOString() ?? null,
  last_failure: s.lastFailure ? { at: s.lastFailure.at.toISOString(), reason: s.lastFailure.reason } : null,
});

/**
 * How a connection maps people: claim or attribute names, group mappings, the default role and the
 * domains, with just-in-time provisioning spelled out (the appliance always provisions at sign-in).
 */
export function presentMapping(m: ConnectionMapping) {
  return {
    claims: m.claims,
    group_roles: Object.entries(m.groupRoles).map(([group, role]) => ({ group, role })),
    group_teams: Object.entries(m.groupTeams).map(([group, team]) =>
      typeof team === 'string'
        ? { group, team, role: 'member' as const }
        : { group, team: team.team, role: team.role ?? 'member' },
    ),
    default_role: m.defaultRole ?? null,
    domains: m.domains,
    jit: {
      creates_users: true,
      creates_teams: Object.keys(m.groupTeams).length > 0,
      syncs_roles_at_sign_in: true,
    },
  };
}

/** An OIDC connection's settings, without its client secret. */
export const presentOidc = (c: OidcConnection) => ({
  name: c.name,
  display_name: c.displayName,
  protocol: 'oidc' as const,
  oidc: {
    issuer: c.config.issuer,
    client_id: c.config.clientId,
    token_endpoint_auth_method: c.config.tokenEndpointAuthMethod,
    scopes: c.config.scopes,
    redirect_uri: c.redirectUri,
    post_logout_redirect_uri: c.postLogoutRedirectUri,
    allow_insecure_http: c.config.allowInsecureHttp,
  },
  mapping: presentMapping(c.config),
});

/** A SAML connection's settings, without its SP private key. */
export const presentSaml = (c: SamlConnection) => ({
  name: c.name,
  display_name: c.displayName,
  protocol: 'saml' as const,
  saml: {
    sp_entity_id: c.spEntityId,
    acs_url: c.acsUrl,
    slo_url: c.sloUrl,
    sp_metadata_url: c.metadataUrl,
    idp_metadata_url: c.config.idp.metadataUrl ?? null,
    name_id_format: c.config.nameIdFormat,
    clock_skew_ms: c.config.clockSkewMs,
    allow_insecure_http: c.config.allowInsecureHttp,
  },
  mapping: presentMapping(c.config),
});
