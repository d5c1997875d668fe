import { randomUUID } from 'node:crypto';
import type { AuditService } from '../../audit/index.js';
import type { Db } from '../../platform/db/knex.js';
import { appError } from '../../platform/errors.js';
import { type Actor, audited, type ScimCaller } from '../principal.js';
import { randomToken, SCIM_TOKEN_PREFIX, sha256Hex } from '../tokens.js';

/** A `scim_tokens` row; `token_hash` never leaves this file and the presenter drops it. */
export interface ScimTokenRow {
  id: string;
  name: string;
  connection: string;
  prefix: string;
  token_hash: string;
  created_at: Date;
  created_by: string | null;
  expires_at: Date | null;
  last_used_at: Date | null;
  revoked_at: Date | null;
  revoked_by: string | null;
}

/** SCIM provisioning tokens: issued by admins, presented by the IdP. */
export interface ScimTokenService {
  /** Creates a token for a connection's provisioning client; the secret is returned here only. */
  create(
    actor: Actor,
    input: { name: string; connection: string; expiresInDays?: number | undefined },
  ): Promise<{ row: ScimTokenRow; secret: string }>;
  list(): Promise<ScimTokenRow[]>;
  revoke(actor: Actor, id: string): Promise<ScimTokenRow>;
  /** The provisioning client behind a presented token; undefined when it is unknown, expired or revoked. */
  resolve(secret: string): Promise<ScimCaller | undefined>;
}

const DAY_MS = 86_400_000;
const TOUCH_INTERVAL_MS = 60_000;

/** The status of a token at `now`. */
export function scimTokenStatus(row: ScimTokenRow, now = new Date()): 'active' | 'expired' | 'revoked' {
  if (row.revoked_at) return 'revoked';
  if (row.expires_at && row.expires_at.getTime() <= now.getTime()) return 'expired';
  return 'active';
}

/**
 * Creates the SCIM token service. `connections` names the configured SSO connections: a token
 * provisions the users and groups of one of them, and stops working if the connection is removed.
 */
export function createScimTokenService(deps: {
  db: Db;
  audit: AuditService;
  connections: () => ReadonlySet<string>;
}): ScimTokenService {
  const { db, audit } = deps;
  return {
    async create(actor, input) {
      if (!deps.connections().has(input.connection)) {
        throw appError('VALIDATION_FAILED', undefined, [
          { field: 'body.connection', message: 'must name a configured SSO connection' },
        ]);
      }
      const secret = `${SCIM_TOKEN_PREFIX}${randomToken()}`;
      return db.transaction(async (trx) => {
        const now = new Date();
        const [row] = (await trx('scim_tokens')
          .insert({
            id: randomUUID(),
            name: input.name,
            connection: input.connection,
            prefix: secret.slice(0, SCIM_TOKEN_PREFIX.length + 6),
            token_hash: sha256Hex(secret),
            created_at: now,
            created_by: actor.userId,
            expires_at: input.expiresInDays ? new Date(now.getTime() + input.expiresInDays * DAY_MS) : null,
          })
          .returning('*')) as ScimTokenRow[];
        const created = row as ScimTokenRow;
        await audit.record(
          trx,
          audited(actor, {
            action: 'scim.token_created',
            outcome: 'success',
            target: { type: 'scim_token', id: created.id },
            details: { connection: created.connection, expires_in_days: input.expiresInDays ?? null },
          }),
        );
        return { row: created, secret };
      });
    },

    list: () => db<ScimTokenRow>('scim_tokens').orderBy('created_at', 'desc') as Promise<ScimTokenRow[]>,

    async revoke(actor, id) {
      return db.transaction(async (trx) => {
        const [row] = (await trx('scim_tokens')
          .where({ id })
          .whereNull('revoked_at')
          .update({ revoked_at: new Date(), revoked_by: actor.userId })
          .returning('*')) as ScimTokenRow[];
        if (!row) throw appError('NOT_FOUND', 'No such active SCIM token.');
        await audit.record(
          trx,
          audited(actor, {
            action: 'scim.token_revoked',
            outcome: 'success',
            target: { type: 'scim_token', id },
            details: { connection: row.connection },
          }),
        );
        return row;
      });
    },

    async resolve(secret) {
      const row = (await db('scim_tokens')
        .where({ token_hash: sha256Hex(secret) })
        .first()) as ScimTokenRow | undefined;
      const now = new Date();
      if (!row || scimTokenStatus(row, now) !== 'active' || !deps.connections().has(row.connection))
        return undefined;
      if (!row.last_used_at || now.getTime() - row.last_used_at.getTime() >= TOUCH_INTERVAL_MS) {
        await db('scim_tokens').where({ id: row.id }).update({ last_used_at: now });
      }
      return { tokenId: row.id, connection: row.connection };
    },
  };
}

/** A token as the admin API shows it (never the hash). */
export const presentScimToken = (row: ScimTokenRow, now = new Date()) => ({
  id: row.id,
  name: row.name,
  connection: row.connection,
  prefix: row.prefix,
  status: scimTokenStatus(row, now),
  created_at: row.created_at.toISOString(),
  expires_at: row.expires_at?.toISOString() ?? null,
  last_used_at: row.last_used_at?.toISOString() ?? null,
  revoked_at: row.revoked_at?.toISOString() ?? null,
});
