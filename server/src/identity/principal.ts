import type { Request } from 'express';
import type { AuditInput } from '../audit/index.js';
import { AppError } from '../platform/errors.js';
import type { ApiKeyScope, Grants, RoleBinding } from './rbac.js';

/** How the request authenticated. */
export type Credential =
  | { type: 'session'; sessionId: string; csrfToken: string; connection: string | null }
  | { type: 'api_key'; keyId: string; scopes: ApiKeyScope[] };

/** The signed-in user behind a request, with the grants in force for this request. */
export interface Principal {
  userId: string;
  email: string;
  name: string;
  roles: RoleBinding[];
  /** Ids of the teams the user is a member of, oldest membership first. */
  teams: string[];
  /** For API keys: the user's grants narrowed to the key's scopes. */
  grants: Grants;
  credential: Credential;
}

/** A SCIM provisioning client, identified by its bearer token (RFC 7644 §2). */
export interface ScimCaller {
  tokenId: string;
  /** The SSO connection whose users and groups the token provisions. */
  connection: string;
}

declare global {
  namespace Express {
    interface Request {
      /** Set by `authenticate` when the request carries a valid session cookie or API key. */
      auth?: Principal;
      /** Set by `authenticate` when the request carries a valid SCIM token (no user behind it). */
      scim?: ScimCaller;
      /** Set when a session cookie was sent but is expired or revoked (401 SESSION_EXPIRED). */
      authProblem?: 'SESSION_EXPIRED';
    }
  }
}

/**
 * Who performed an action, for audit events: a user (the default), or a SCIM provisioning token
 * (`type: 'scim'`, `userId` holding the token's id) acting for the IdP.
 */
export interface Actor {
  userId: string;
  type?: 'user' | 'scim' | undefined;
  ip?: string | undefined;
  apiKeyId?: string | undefined;
}

/** The principal of a request whose route requires authentication (authz already ran). */
export function principalOf(req: Pick<Request, 'auth'>): Principal {
  if (!req.auth) throw new AppError('UNAUTHENTICATED');
  return req.auth;
}

/** The acting user of an authenticated request. */
export function actorOf(req: Pick<Request, 'auth' | 'ip'>): Actor {
  const auth = principalOf(req);
  return {
    userId: auth.userId,
    ip: req.ip,
    ...(auth.credential.type === 'api_key' ? { apiKeyId: auth.credential.keyId } : {}),
  };
}

/** Audit event fields for an action by `actor`: a user, with the API key it used if any. */
export function audited(actor: Actor, event: Omit<AuditInput, 'actor'>): AuditInput {
  return {
    ...event,
    actor: { type: actor.type ?? 'user', id: actor.userId, ...(actor.ip ? { ip: actor.ip } : {}) },
    details: { ...(event.details ?? {}), ...(actor.apiKeyId ? { api_key_id: actor.apiKeyId } : {}) },
  };
}
