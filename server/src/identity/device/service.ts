import { randomUUID } from 'node:crypto';
import type { AuditService } from '../../audit/index.js';
import type { Db } from '../../platform/db/knex.js';
import { AppError } from '../../platform/errors.js';
import type { AuthConfig } from '../config-schema.js';
import type { ApiKeyService } from '../keys/service.js';
import { type Actor, audited, type Principal } from '../principal.js';
import { hitRateLimit } from '../rate-limit.js';
import { API_KEY_SCOPE_NAMES, type ApiKeyScope, type Grants, grantsOf, mayHoldScope } from '../rbac.js';
import { randomToken, sha256Hex } from '../tokens.js';
import { findUserById } from '../users/repository.js';
import { bindingsOf } from '../users/role-bindings.js';
import { formatUserCode, newUserCode, normaliseUserCode } from './codes.js';
import {
  consume,
  type DeviceCodeRow,
  decide,
  findByDeviceCode,
  findByUserCode,
  insertDeviceCode,
  recordPoll,
  setApiKey,
} from './repository.js';

/** The one public client of the device flow: the `aila` CLI (and IDE extensions using it). */
export const DEVICE_CLIENT_ID = 'aila-cli';
/** RFC 8628 §3.4 grant type. */
export const DEVICE_GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:device_code';
/** Scopes when the client asks for none. */
const DEFAULT_SCOPES: ApiKeyScope[] = ['gateway', 'assistant'];
/** RFC 8628 §3.5: slow_down adds 5 seconds to the interval for this and every later request. */
const SLOW_DOWN_SECONDS = 5;
/** Polls up to this early still count as on time (clocks and networks are not exact). */
const POLL_SLACK_MS = 500;
/** Lookups of user codes per signed-in user (RFC 8628 §5.1: user codes must not be guessable online). */
const LOOKUP_LIMIT = { limit: 30, windowMs: 900_000 };

/** An OAuth error response (RFC 6749 §5.2 as extended by RFC 8628 §3.5). */
export class OAuthError extends Error {
  constructor(
    readonly error: string,
    readonly description: string,
    readonly status = 400,
  ) {
    super(description);
    this.name = 'OAuthError';
  }
}

/** What the approval page shows about a request. */
export interface DeviceRequestView {
  id: string;
  userCode: string;
  clientId: string;
  status: DeviceCodeRow['status'];
  scopesRequested: ApiKeyScope[];
  /** What approving would grant this user: the requested scopes their roles allow. */
  scopesGranted: ApiKeyScope[];
  createdAt: Date;
  expiresAt: Date;
}

/** The device authorization grant: the CLI side (RFC 8628 §3.1-3.5) and the approval side. */
export interface DeviceService {
  /** RFC 8628 §3.1-3.2: a new device code and user code. */
  authorize(input: {
    clientId?: string | undefined;
    scope?: string | undefined;
  }): Promise<Record<string, unknown>>;
  /** RFC 8628 §3.4-3.5: the token (a short-lived API key) once approved, or why not yet. */
  token(input: {
    grantType?: string | undefined;
    deviceCode?: string | undefined;
    clientId?: string | undefined;
  }): Promise<Record<string, unknown>>;
  describe(principal: Principal, userCode: string): Promise<DeviceRequestView>;
  decide(principal: Principal, actor: Actor, userCode: string, approve: boolean): Promise<DeviceRequestView>;
}

/** What the device service needs. */
export interface DeviceServiceDeps {
  db: Db;
  audit: AuditService;
  keys: ApiKeyService;
  config: AuthConfig['device'];
  publicUrl: string;
}

function scopesOf(scope: string | undefined): ApiKeyScope[] {
  if (scope === undefined || scope.trim() === '') return DEFAULT_SCOPES;
  const asked = [...new Set(scope.trim().split(/\s+/))];
  const unknown = asked.filter((s) => !(API_KEY_SCOPE_NAMES as string[]).includes(s));
  if (unknown.length > 0) throw new OAuthError('invalid_scope', `Unknown scope ${unknown.join(' ')}.`);
  return (asked as ApiKeyScope[]).sort();
}

const allowed = (grants: Grants, scopes: readonly ApiKeyScope[]) =>
  scopes.filter((s) => mayHoldScope(grants, s));

/** Creates the device authorization service (RFC 8628) that hands the CLI a scoped API key. */
export function createDeviceService(deps: DeviceServiceDeps): DeviceService {
  const { db, audit, keys, config } = deps;
  const base = deps.publicUrl.replace(/\/+$/, '');

  function clientOf(clientId: string | undefined): void {
    if (!clientId) throw new OAuthError('invalid_request', 'client_id is required.');
    // RFC 6749 §5.2: an unknown client is invalid_client (400; 401 is only a MAY).
    if (clientId !== DEVICE_CLIENT_ID) throw new OAuthError('invalid_client', 'Unknown client_id.');
  }

  async function live(principal: Principal, userCode: string): Promise<DeviceCodeRow> {
    await hitRateLimit(db, `device-lookup:${principal.userId}`, LOOKUP_LIMIT);
    const code = normaliseUserCode(userCode);
    const row = code ? await findByUserCode(db, code) : undefined;
    if (!row) throw new AppError('DEVICE_CODE_INVALID');
    return row;
  }

  const view = (row: DeviceCodeRow, grants: Grants): DeviceRequestView => ({
    id: row.id,
    userCode: formatUserCode(row.user_code),
    clientId: row.client_id,
    status: row.status,
    scopesRequested: row.scopes,
    scopesGranted: allowed(grants, row.scopes),
    createdAt: row.created_at,
    expiresAt: row.expires_at,
  });

  return {
    async authorize(input) {
      clientOf(input.clientId);
      const scopes = scopesOf(input.scope);
      const deviceCode = randomToken();
      const now = new Date();
      for (let attempt = 0; ; attempt++) {
        const userCode = newUserCode();
        try {
          await insertDeviceCode(db, {
            id: randomUUID(),
            device_code_hash: sha256Hex(deviceCode),
            user_code: userCode,
            client_id: DEVICE_CLIENT_ID,
            scopes,
            interval_seconds: config.pollIntervalSeconds,
            created_at: now,
            expires_at: new Date(now.getTime() + config.codeLifetimeSeconds * 1000),
          });
        } catch (err) {
          // 23505: the user code is live for another request; draw another one.
          if ((err as { code?: unknown }).code === '23505' && attempt < 5) continue;
          throw err;
        }
        const verificationUri = `${base}/device`;
        return {
          device_code: deviceCode,
          user_code: formatUserCode(userCode),
          verification_uri: verificationUri,
          verification_uri_complete: `${verificationUri}?user_code=${formatUserCode(userCode)}`,
          expires_in: config.codeLifetimeSeconds,
          interval: config.pollIntervalSeconds,
        };
      }
    },

    async token(input) {
      if (input.grantType !== DEVICE_GRANT_TYPE) {
        throw new OAuthError(
          input.grantType ? 'unsupported_grant_type' : 'invalid_request',
          `grant_type must be ${DEVICE_GRANT_TYPE}.`,
        );
      }
      clientOf(input.clientId);
      if (!input.deviceCode) throw new OAuthError('invalid_request', 'device_code is required.');
      const row = await findByDeviceCode(db, sha256Hex(input.deviceCode));
      if (!row || row.client_id !== input.clientId)
        throw new OAuthError('invalid_grant', 'Unknown device_code.');
      const now = new Date();
      if (row.expires_at.getTime() <= now.getTime() && row.status !== 'consumed') {
        throw new OAuthError('expired_token', 'The device code expired; start again.');
      }
      if (row.status === 'consumed')
        throw new OAuthError('invalid_grant', 'The device code was already used.');
      if (row.status === 'denied') throw new OAuthError('access_denied', 'The sign-in was denied.');
      if (row.status === 'pending') {
        const early =
          row.last_polled_at !== null &&
          now.getTime() - row.last_polled_at.getTime() < row.interval_seconds * 1000 - POLL_SLACK_MS;
        const interval = row.interval_seconds + (early ? SLOW_DOWN_SECONDS : 0);
        await recordPoll(db, row.id, now, interval);
        if (early) throw new OAuthError('slow_down', `Poll at most every ${interval} seconds.`);
        throw new OAuthError('authorization_pending', 'The sign-in is not approved yet.');
      }
      return db.transaction(async (trx) => {
        const taken = await consume(trx, row.id);
        if (!taken?.user_id) throw new OAuthError('invalid_grant', 'The device code was already used.');
        const user = await findUserById(trx, taken.user_id);
        const grants = grantsOf(
          (await bindingsOf(trx, taken.user_id)).map((b) => ({ role: b.role, teamId: b.team_id })),
        );
        const scopes = allowed(grants, taken.scopes);
        if (user?.status !== 'active' || scopes.length === 0) {
          throw new OAuthError('access_denied', 'The approving user can no longer hold these scopes.');
        }
        const { row: key, secret } = await keys.create(
          { userId: user.id },
          grants,
          { name: `Device login (${taken.client_id})`, scopes, expiresInHours: config.keyLifetimeHours },
          trx,
        );
        await setApiKey(trx, taken.id, key.id);
        // RFC 6749 §5.1 access token response; the token is an aila_ API key (RFC 6750 bearer).
        return {
          access_token: secret,
          token_type: 'Bearer',
          expires_in: config.keyLifetimeHours * 3600,
          scope: scopes.join(' '),
        };
      });
    },

    async describe(principal, userCode) {
      return view(await live(principal, userCode), principal.grants);
    },

    async decide(principal, actor, userCode, approve) {
      const row = await live(principal, userCode);
      if (row.status !== 'pending') throw new AppError('DEVICE_CODE_DECIDED');
      const scopes = allowed(principal.grants, row.scopes);
      if (approve && scopes.length === 0) {
        throw new AppError(
          'FORBIDDEN',
          `Your roles allow none of the requested scopes (${row.scopes.join(', ')}).`,
        );
      }
      return db.transaction(async (trx) => {
        const decided = await decide(trx, row.id, {
          status: approve ? 'approved' : 'denied',
          userId: principal.userId,
          scopes: approve ? scopes : row.scopes,
        });
        if (!decided) throw new AppError('DEVICE_CODE_DECIDED');
        await audit.record(
          trx,
          audited(actor, {
            action: 'auth.device_approved',
            outcome: approve ? 'success' : 'denied',
            target: { type: 'device_code', id: row.id },
            details: { client_id: row.client_id, scopes: approve ? scopes : row.scopes },
          }),
        );
        return view(decided, principal.grants);
      });
    },
  };
}
