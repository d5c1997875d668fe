import { randomUUID } from 'node:crypto';
import type { AuditService } from '../../audit/index.js';
import type { Db } from '../../platform/db/knex.js';
import { AppError, appError } from '../../platform/errors.js';
import type { AuthConfig } from '../config-schema.js';
import { type Actor, audited } from '../principal.js';
import { type ApiKeyScope, type Grants, mayHoldScope } from '../rbac.js';
import { newApiKey, sha256Hex } from '../tokens.js';
import type { PrincipalCache } from './principal-cache.js';
import {
  type ApiKeyAuthRow,
  type ApiKeyRow,
  findKeyForAuth,
  insertKey,
  type KeyQuery,
  keyStatus,
  listKeys,
  revokeKey,
  revokeKeysOf,
  touchKey,
} from './repository.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** last_used_at is written at most once a minute per key. */
const TOUCH_INTERVAL_MS = 60_000;

export interface CreateKeyInput {
  name: string;
  scopes: ApiKeyScope[];
  expiresInDays?: number | undefined;
  /** A lifetime in hours instead of days (device logins get short-lived keys). */
  expiresInHours?: number | undefined;
}

export interface ApiKeyService {
  /**
   * Creates a key for the actor; the secret is returned here once and never again. With `trx`, inside
   * that transaction.
   */
  create(
    actor: Actor,
    grants: Grants,
    input: CreateKeyInput,
    trx?: Db,
  ): Promise<{ row: ApiKeyRow; secret: string }>;
  list(query: KeyQuery): Promise<{ rows: ApiKeyRow[]; total: number }>;
  /** Revokes a key; with `ownerId`, only that user's (NOT_FOUND otherwise). */
  revoke(actor: Actor, keyId: string, ownerId?: string): Promise<ApiKeyRow>;
  /** Revokes every live key of a user inside `trx` (disabling a user). */
  revokeAllOf(trx: Db, actor: Actor, userId: string): Promise<number>;
  /** Resolves a presented `aila_...` secret; throws INVALID_API_KEY when it does not grant access. */
  resolve(secret: string): Promise<ApiKeyAuthRow>;
  /** Forgets cached lookups of a user's keys (after a committed change to the user or their roles). */
  forgetUser(userId: string): void;
}

export interface ApiKeyServiceDeps {
  db: Db;
  audit: AuditService;
  config: AuthConfig['apiKeys'];
  /** Reused lookups (see {@link PrincipalCache}); without it every request looks its key up. */
  cache?: PrincipalCache<ApiKeyAuthRow> | undefined;
}

/** Creates the API key service: `aila_` keys stored as SHA-256, scoped, expiring, revocable. */
export function createApiKeyService({ db, audit, config, cache }: ApiKeyServiceDeps): ApiKeyService {
  return {
    async create(actor, grants, input, outer) {
      const days = input.expiresInDays ?? Math.min(config.defaultLifetimeDays, config.maxLifetimeDays);
      const lifetimeMs = input.expiresInHours ? input.expiresInHours * HOUR_MS : days * DAY_MS;
      if (lifetimeMs > config.maxLifetimeDays * DAY_MS) {
        throw appError('VALIDATION_FAILED', undefined, [
          { field: 'body.expires_in_days', message: `must be at most ${config.maxLifetimeDays}` },
        ]);
      }
      const scopes = [...new Set(input.scopes)].sort();
      const refused = scopes.filter((scope) => !mayHoldScope(grants, scope));
      if (refused.length > 0) {
        throw new AppError(
          'FORBIDDEN',
          `Your roles do not allow an API key with scope ${refused.join(', ')}.`,
        );
      }
      const key = newApiKey();
      return (outer ?? db).transaction(async (trx) => {
        const now = new Date();
        const row = await insertKey(trx, {
          id: randomUUID(),
          user_id: actor.userId,
          name: input.name,
          prefix: key.prefix,
          key_hash: key.hash,
          scopes,
          created_at: now,
          expires_at: new Date(now.getTime() + lifetimeMs),
        });
        await audit.record(
          trx,
          audited(actor, {
            action: 'api_key.created',
            outcome: 'success',
            target: { type: 'api_key', id: row.id },
            details: input.expiresInHours
              ? { scopes, expires_in_hours: input.expiresInHours }
              : { scopes, expires_in_days: days },
          }),
        );
        return { row, secret: key.secret };
      });
    },

    list: (query) => listKeys(db, query, new Date()),

    async revoke(actor, keyId, ownerId) {
      const revoked = await db.transaction(async (trx) => {
        const row = await revokeKey(trx, keyId, actor.userId, ownerId);
        if (!row) throw appError('NOT_FOUND', 'No such active API key.');
        await audit.record(
          trx,
          audited(actor, {
            action: 'api_key.revoked',
            outcome: 'success',
            target: { type: 'api_key', id: row.id },
            details: { owner_id: row.user_id },
          }),
        );
        return row;
      });
      cache?.forgetUser(revoked.user_id);
      return revoked;
    },

    async revokeAllOf(trx, actor, userId) {
      const count = await revokeKeysOf(trx, userId, actor.userId);
      if (count > 0) {
        await audit.record(
          trx,
          audited(actor, {
            action: 'api_key.revoked',
            outcome: 'success',
            target: { type: 'user', id: userId },
            details: { owner_id: userId, count },
          }),
        );
      }
      return count;
    },

    async resolve(secret) {
      const hash = sha256Hex(secret);
      let now = new Date();
      let row = cache?.get(hash, now.getTime());
      if (row === undefined) {
        const epoch = cache?.begin() ?? 0;
        row = await findKeyForAuth(db, hash);
        now = new Date();
        if (row?.status === 'active') cache?.set(hash, row, epoch, now.getTime());
      }
      if (row?.status !== 'active' || keyStatus(row, now) !== 'active') throw new AppError('INVALID_API_KEY');
      if (!row.last_used_at || now.getTime() - row.last_used_at.getTime() >= TOUCH_INTERVAL_MS) {
        row.last_used_at = now; // Also in the cached copy: one touch per interval and replica.
        await touchKey(db, row.id, now, TOUCH_INTERVAL_MS);
      }
      return row;
    },

    forgetUser: (userId) => cache?.forgetUser(userId),
  };
}
