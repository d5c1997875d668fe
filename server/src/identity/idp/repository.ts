import type { Db } from '../../platform/db/knex.js';

/** How long a test sign-in and its result are kept (the claims are personal data). */
export const TEST_LOGIN_KEEP_MS = 3_600_000;

export type TestLoginStatus = 'pending' | 'redeemed' | 'succeeded' | 'failed';

/** An `idp_test_logins` row. */
export interface TestLoginRow {
  id: string;
  connection: string;
  protocol: 'oidc' | 'saml';
  started_by: string;
  state_hash: string;
  binding_hash: string;
  nonce: string | null;
  code_verifier: string | null;
  status: TestLoginStatus;
  result: Record<string, unknown> | null;
  created_at: Date;
  expires_at: Date;
  completed_at: Date | null;
}

/** Records a started test sign-in; drops the rows older than {@link TEST_LOGIN_KEEP_MS} first. */
export async function insertTestLogin(
  db: Db,
  row: Omit<TestLoginRow, 'status' | 'result' | 'created_at' | 'completed_at'>,
): Promise<void> {
  await db('idp_test_logins')
    .where('created_at', '<', new Date(Date.now() - TEST_LOGIN_KEEP_MS))
    .delete();
  await db('idp_test_logins').insert(row);
}

/** The test sign-in a state (or AuthnRequest ID) hash belongs to, whatever its status. */
export const findTestLoginByState = (db: Db, stateHash: string) =>
  db<TestLoginRow>('idp_test_logins').where({ state_hash: stateHash }).first() as Promise<
    TestLoginRow | undefined
  >;

export const findTestLogin = (db: Db, id: string) =>
  db<TestLoginRow>('idp_test_logins').where({ id }).first() as Promise<TestLoginRow | undefined>;

/**
 * Moves a pending test sign-in to `redeemed` when the browser binding matches: one statement, so two
 * callbacks with the same state cannot both proceed (RFC 6749 §10.12, single use).
 */
export async function redeemTestLogin(
  db: Db,
  stateHash: string,
  bindingHash: string,
): Promise<TestLoginRow | undefined> {
  const [row] = (await db('idp_test_logins')
    .where({ state_hash: stateHash, binding_hash: bindingHash, status: 'pending' })
    .update({ status: 'redeemed' })
    .returning('*')) as TestLoginRow[];
  return row;
}

/** Stores the outcome of a redeemed test sign-in. */
export async function completeTestLogin(
  db: Db,
  id: string,
  status: 'succeeded' | 'failed',
  result: Record<string, unknown>,
): Promise<void> {
  await db('idp_test_logins')
    .where({ id })
    .update({ status, result: JSON.stringify(result), completed_at: new Date() });
}

/** Sign-in activity of one connection, from its `auth.login` audit events. */
export interface SignInStats {
  last24h: { succeeded: number; failed: number };
  lastSuccess: Date | null;
  lastFailure: { at: Date; reason: string | null } | null;
}

/** A connection nobody signed in with yet. */
export const NO_SIGN_INS: SignInStats = {
  last24h: { succeeded: 0, failed: 0 },
  lastSuccess: null,
  lastFailure: null,
};

/**
 * Sign-ins per connection: counts of the last 24 hours and the latest success and failure (with the
 * refusal reason), read through the `audit_events_sign_ins_idx` index (same expression).
 */
export async function signInStats(db: Db, connections: readonly string[]): Promise<Map<string, SignInStats>> {
  const stats = new Map<string, SignInStats>(
    connections.map((c) => [c, { ...NO_SIGN_INS, last24h: { ...NO_SIGN_INS.last24h } }]),
  );
  if (connections.length === 0) return stats;
  const counts = (await db.raw(
    `select event #>> '{details,connection}' as connection, outcome, count(*)::int as n
       from audit_events
      where action = 'auth.login' and event #>> '{details,connection}' = any(?)
        and ts >= now() - interval '24 hours'
      group by 1, 2`,
    [[...connections]],
  )) as { rows: Array<{ connection: string; outcome: string; n: number }> };
  for (const row of counts.rows) {
    const entry = stats.get(row.connection);
    if (!entry) continue;
    if (row.outcome === 'success') entry.last24h.succeeded = row.n;
    else entry.last24h.failed += row.n;
  }
  const latest = (await db.raw(
    `select c.name, o.outcome, l.ts, l.reason
       from unnest(?::text[]) as c(name)
      cross join (values ('success'), ('failure')) as o(outcome)
      join lateral (
        select a.ts, a.event #>> '{details,reason}' as reason
          from audit_events a
         where a.action = 'auth.login' and a.outcome = o.outcome
           and a.event #>> '{details,connection}' = c.name
         order by a.ts desc
         limit 1) l on true`,
    [[...connections]],
  )) as { rows: Array<{ name: string; outcome: string; ts: Date; reason: string | null }> };
  for (const row of latest.rows) {
    const entry = stats.get(row.name);
    if (!entry) continue;
    if (row.outcome === 'success') entry.lastSuccess = row.ts;
    else entry.lastFailure = { at: row.ts, reason: row.reason };
  }
  return stats;
}

/** How many users and groups SCIM provisioned through a connection. */
export async function scimCounts(db: Db, connection: string): Promise<{ users: number; groups: number }> {
  const [users] = (await db('scim_users').where({ connection }).count({ n: '*' })) as Array<{ n: string }>;
  const [groups] = (await db('scim_groups').where({ connection }).count({ n: '*' })) as Array<{ n: string }>;
  return { users: Number(users?.n ?? 0), groups: Number(groups?.n ?? 0) };
}
