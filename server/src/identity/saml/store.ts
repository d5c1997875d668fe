import type { CacheItem, CacheProvider } from '@node-saml/node-saml';
import type { Db } from '../../platform/db/knex.js';

/** A `saml_requests` row: a request sent to the IdP, awaiting its answer. */
export interface SamlRequestRow {
  id: string;
  connection: string;
  kind: 'login' | 'logout';
  binding_hash: string | null;
  return_to: string;
  created_at: Date;
  expires_at: Date;
}

/** What a new request row carries besides its id. */
export interface RequestContext {
  connection: string;
  kind: SamlRequestRow['kind'];
  bindingHash?: string | undefined;
  returnTo?: string | undefined;
  ttlMs: number;
}

/** The cache node-saml uses, plus the rows it removed (consumed) while validating an answer. */
export type RequestCache = CacheProvider & {
  readonly connection: string;
  readonly removed: Map<string, SamlRequestRow>;
};

/**
 * node-saml's request-id cache (`validateInResponseTo: 'always'`) backed by PostgreSQL, so every
 * replica knows the requests any replica sent. node-saml saves the id of each AuthnRequest or
 * LogoutRequest it builds, looks the InResponseTo of an answer up and removes it once answered (SAML
 * 2.0 profiles §4.1.4.3). Only unexpired rows of this connection count; removed rows are kept in
 * `removed` so the caller learns what the answered request carried.
 */
export function requestCache(db: Db, context: RequestContext): RequestCache {
  const removed = new Map<string, SamlRequestRow>();
  return {
    connection: context.connection,
    removed,
    async saveAsync(key: string, value: string): Promise<CacheItem | null> {
      const now = new Date();
      await db('saml_requests').where('expires_at', '<=', now).delete();
      await db('saml_requests').insert({
        id: key,
        connection: context.connection,
        kind: context.kind,
        binding_hash: context.bindingHash ?? null,
        return_to: context.returnTo ?? '/',
        created_at: now,
        expires_at: new Date(now.getTime() + context.ttlMs),
      });
      return { value, createdAt: now.getTime() };
    },
    async getAsync(key: string): Promise<string | null> {
      const row = (await db('saml_requests')
        .where({ id: key, connection: context.connection })
        .andWhere('expires_at', '>', new Date())
        .first('created_at')) as { created_at: Date } | undefined;
      return row ? row.created_at.toISOString() : null;
    },
    async removeAsync(key: string | null): Promise<string | null> {
      if (!key) return null;
      const [row] = await db<SamlRequestRow>('saml_requests')
        .where({ id: key, connection: context.connection })
        .delete()
        .returning('*');
      if (!row) return null;
      removed.set(key, row as SamlRequestRow);
      return key;
    },
  };
}

/** The pending request with this id, without consuming it. */
export const findRequest = (db: Db, connection: string, id: string) =>
  db<SamlRequestRow>('saml_requests').where({ id, connection }).first() as Promise<
    SamlRequestRow | undefined
  >;

/**
 * Takes the answered request out of the table, unless node-saml already did while validating: deleting
 * and returning in one statement answers each request at most once, even when two answers race.
 * Undefined when it is unknown, used, expired or of another kind.
 */
export async function consumeRequest(
  db: Db,
  cache: RequestCache,
  id: string,
  kind: SamlRequestRow['kind'],
): Promise<SamlRequestRow | undefined> {
  let row = cache.removed.get(id);
  if (!row) {
    const [deleted] = await db<SamlRequestRow>('saml_requests')
      .where({ id, connection: cache.connection })
      .delete()
      .returning('*');
    row = deleted as SamlRequestRow | undefined;
  }
  if (!row || row.kind !== kind || row.expires_at.getTime() <= Date.now()) return undefined;
  return row;
}

/** True when one of these assertion ids was already accepted on the connection and is still cached. */
export async function anyAssertionSeen(db: Db, connection: string, ids: readonly string[]): Promise<boolean> {
  if (ids.length === 0) return false;
  const row = await db('saml_assertions')
    .where({ connection })
    .whereIn('assertion_id', [...ids])
    .first('assertion_id');
  return row !== undefined;
}

/**
 * Records an accepted assertion id until `expiresAt` (SAML 2.0 profiles §4.1.4.5). False when the id
 * is already there: the assertion is being replayed.
 */
export async function rememberAssertion(
  db: Db,
  connection: string,
  assertionId: string,
  expiresAt: Date,
): Promise<boolean> {
  await db('saml_assertions').where('expires_at', '<=', new Date()).delete();
  const rows = await db('saml_assertions')
    .insert({ connection, assertion_id: assertionId, expires_at: expiresAt })
    .onConflict(['connection', 'assertion_id'])
    .ignore()
    .returning('assertion_id');
  return rows.length === 1;
}

/** A `saml_sessions` row. */
export interface SamlSessionRow {
  session_id: string;
  connection: string;
  name_id: string;
  name_id_format: string | null;
  session_index: string | null;
}

/** Records the SAML side of a new session (in the sign-in transaction). */
export async function insertSamlSession(db: Db, row: SamlSessionRow): Promise<void> {
  await db('saml_sessions').insert(row);
}

/** The SAML side of a session, if it came from a SAML sign-in. */
export const findSamlSession = (db: Db, sessionId: string) =>
  db<SamlSessionRow>('saml_sessions').where({ session_id: sessionId }).first() as Promise<
    SamlSessionRow | undefined
  >;

/**
 * Ends the sessions a LogoutRequest names: the NameID's sessions on the connection, only those with
 * the given SessionIndex when the request carries one (SAML 2.0 core §3.7.3.2). Returns them.
 */
export async function endSessionsByNameId(
  db: Db,
  connection: string,
  nameId: string,
  sessionIndex: string | undefined,
): Promise<Array<{ id: string; user_id: string; token_hash: string }>> {
  const ids = db('saml_sessions')
    .where({ connection, name_id: nameId })
    .modify((q) => {
      if (sessionIndex) q.where({ session_index: sessionIndex });
    })
    .select('session_id');
  return (await db('sessions')
    .whereIn('id', ids)
    .whereNull('ended_at')
    .update({ ended_at: db.fn.now(), end_reason: 'idp_logout' })
    .returning(['id', 'user_id', 'token_hash'])) as Array<{
    id: string;
    user_id: string;
    token_hash: string;
  }>;
}
