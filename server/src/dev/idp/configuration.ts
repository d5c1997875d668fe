import { randomBytes } from 'node:crypto';
import type { ClientMetadata, Configuration, ErrorOut, KoaContextWithOIDC } from 'oidc-provider';
import { generateSigningKeys } from './keys.js';
import { createMemoryAdapterFactory } from './memory-adapter.js';
import { CLAIMS_BY_SCOPE, claimsOf, type DevUserDirectory } from './users.js';
import { PAGE_SECURITY_HEADERS, renderLogoutPage, renderMessagePage } from './views.js';

/** A relying party registered at the development IdP (OIDC Registration 1.0 §2 metadata, camel-cased). */
export interface DevIdpClient {
  clientId: string;
  /** Omit for a public client (`token_endpoint_auth_method: none`, e.g. a CLI). */
  clientSecret?: string;
  redirectUris: string[];
  /** Where RP-initiated logout may send the browser back to. */
  postLogoutRedirectUris?: string[];
  /**
   * How a confidential client authenticates at the token endpoint. Defaults to `client_secret_basic`,
   * the method RFC 6749 §2.3.1 requires every server to support.
   */
  tokenEndpointAuthMethod?: 'client_secret_basic' | 'client_secret_post';
}

/** Lifetimes in seconds: short enough to exercise re-login, long enough for a working day. */
const TTL = {
  AuthorizationCode: 60,
  AccessToken: 60 * 60,
  IdToken: 60 * 60,
  Interaction: 15 * 60,
  Session: 8 * 60 * 60,
  Grant: 8 * 60 * 60,
} as const;

/** Seconds of clock skew accepted on JWT times (oidc-provider's default, stated so the adapter uses it). */
const CLOCK_TOLERANCE = 15;

/** Translates the camel-cased client options into oidc-provider client metadata. */
export function toClientMetadata(client: DevIdpClient): ClientMetadata {
  if (client.clientId.trim() === '') {
    throw new Error('development IdP: clientId must not be empty');
  }
  if (client.redirectUris.length === 0) {
    throw new Error(`development IdP: client ${client.clientId} needs at least one redirect URI`);
  }
  const confidential = client.clientSecret !== undefined && client.clientSecret !== '';
  return {
    client_id: client.clientId,
    ...(confidential ? { client_secret: client.clientSecret } : {}),
    redirect_uris: [...client.redirectUris],
    post_logout_redirect_uris: [...(client.postLogoutRedirectUris ?? [])],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: confidential
      ? (client.tokenEndpointAuthMethod ?? 'client_secret_basic')
      : 'none',
  };
}

function setPageHeaders(ctx: KoaContextWithOIDC): void {
  for (const [name, value] of Object.entries(PAGE_SECURITY_HEADERS)) {
    ctx.set(name, value);
  }
}

function clientLabel(ctx: KoaContextWithOIDC): string | undefined {
  const client = ctx.oidc?.client;
  return client ? (client.clientName ?? client.clientId) : undefined;
}

/** Error page for protocol errors that cannot be redirected to the client (RFC 6749 §4.1.2.1). */
function renderError(ctx: KoaContextWithOIDC, out: ErrorOut): void {
  setPageHeaders(ctx);
  ctx.type = 'html';
  const details: Array<[string, string]> = [['error', out.error]];
  if (out.error_description) details.push(['error_description', out.error_description]);
  if (out.state) details.push(['state', out.state]);
  ctx.body = renderMessagePage(
    'Sign-in error',
    'The development identity provider could not process this request. Start the sign-in again from the application.',
    details,
  );
}

/**
 * Builds the oidc-provider configuration of the development IdP: configured clients only (no dynamic
 * registration), authorization code flow with PKCE always required, claims in ID token and userinfo,
 * RP-initiated logout, and fresh signing and cookie keys on every start.
 */
export function buildConfiguration(
  clients: readonly DevIdpClient[],
  directory: DevUserDirectory,
): Configuration {
  const clientIds = new Set<string>();
  for (const client of clients) {
    if (clientIds.has(client.clientId)) {
      throw new Error(`development IdP: duplicate client ${client.clientId}`);
    }
    clientIds.add(client.clientId);
  }
  return {
    // State lives in this process only: a restart signs everyone out, which suits development.
    adapter: createMemoryAdapterFactory(CLOCK_TOLERANCE),
    clockTolerance: CLOCK_TOLERANCE,
    clients: clients.map(toClientMetadata),
    // Only `openid` plus the scopes derived from `claims`: no offline_access, so no refresh tokens.
    scopes: ['openid'],
    claims: {
      openid: [...CLAIMS_BY_SCOPE.openid],
      email: [...CLAIMS_BY_SCOPE.email],
      profile: [...CLAIMS_BY_SCOPE.profile],
      groups: [...CLAIMS_BY_SCOPE.groups],
    },
    // Deliver scope claims in the ID token as well as userinfo (OIDC Core §5.4 allows both for the
    // code flow), so the appliance can provision a user from the ID token alone.
    conformIdTokenClaims: false,
    responseTypes: ['code'],
    // RFC 7636 for every client, confidential ones included (OAuth 2.0 Security BCP, RFC 9700 §2.1.1).
    pkce: { required: () => true },
    findAccount: (_ctx, sub) => {
      const user = directory.bySub(sub);
      if (!user) return undefined;
      return { accountId: user.sub, claims: () => claimsOf(user) };
    },
    jwks: generateSigningKeys(),
    // Random per start: sessions of a previous run must not survive, and nothing secret is shipped.
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    ttl: { ...TTL },
    // CORS only from a client's own redirect origins, and only where a browser app needs it.
    clientBasedCORS: (ctx, origin, client) =>
      origin !== 'null' &&
      (ctx.oidc.route === 'userinfo' || client.clientAuthMethod === 'none') &&
      (client.redirectUris ?? []).some((uri) => URL.parse(uri)?.origin === origin),
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: (ctx, form) => {
          setPageHeaders(ctx);
          ctx.type = 'html';
          ctx.body = renderLogoutPage(form, clientLabel(ctx));
        },
        postLogoutSuccessSource: (ctx) => {
          setPageHeaders(ctx);
          ctx.type = 'html';
          ctx.body = renderMessagePage(
            'Signed out',
            'You are signed out of the AI-LA development identity provider.',
          );
        },
      },
    },
    renderError,
  };
}
