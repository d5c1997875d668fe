import type { Db } from '../../platform/db/knex.js';
import type { RoleBinding } from '../rbac.js';

export type UserStatus = 'active' | 'disabled';

/** A `users` row. */
export interface UserRow {
  id: string;
  email: string;
  name: string;
  status: UserStatus;
  created_at: Date;
  updated_at: Date;
  last_login_at: Date | null;
  disabled_at: Date | null;
}

/** A `user_identities` row: the IdP subject a user signs in with on one connection. */
export interface IdentityRow {
  connection: string;
  subject: string;
  user_id: string;
  created_at: Date;
  last_login_at: Date | null;
}

/**
 * SQL fragment: the role bindings of the user aliased `u`, as a JSON array of `{ role, teamId }`, so a
 * principal is resolved in one round trip.
 */
export const ROLES_JSON = `coalesce((select json_agg(json_build_object('role', rb.role, 'teamId', rb.team_id))
  from role_bindings rb where rb.user_id = u.id), '[]'::json)`;

/**
 * SQL fragment: the ids of the teams the user aliased `u` is a member of, oldest membership first
 * (the default team of the user's AI calls).
 */
export const TEAMS_JSON = `coalesce((select json_agg(m.team_id order by m.created_at, m.team_id)
  from team_members m where m.user_id = u.id), '[]'::json)`;

/** What the per-request lookups select about the user behind a session or key. */
export interface UserAuthColumns {
  user_id: string;
  email: string;
  name: string;
  status: UserStatus;
  roles: RoleBinding[];
  /** Team ids of the user's memberships, oldest first. */
  teams: string[];
}

export const findUserById = (db: Db, id: string) =>
  db<UserRow>('users').where({ id }).first() as Promise<UserRow | undefined>;

/** Reads and row-locks a user (SELECT ... FOR UPDATE) so concurrent status and role changes serialise. */
export const lockUser = (db: Db, id: string) =>
  db<UserRow>('users').where({ id }).forUpdate().first() as Promise<UserRow | undefined>;

export const findUserByEmail = (db: Db, email: string) =>
  db<UserRow>('users').where({ email: email.toLowerCase() }).first() as Promise<UserRow | undefined>;

export const findIdentity = (db: Db, connection: string, subject: string) =>
  db<IdentityRow>('user_identities').where({ connection, subject }).first() as Promise<
    IdentityRow | undefined
  >;

export const identitiesOf = (db: Db, userId: string) =>
  db<IdentityRow>('user_identities').where({ user_id: userId }).orderBy('connection') as Promise<
    IdentityRow[]
  >;

export async function insertUser(
  db: Db,
  user: { id: string; email: string; name: string },
): Promise<UserRow> {
  const [row] = await db<UserRow>('users')
    .insert({ id: user.id, email: user.email.toLowerCase(), name: user.name })
    .returning('*');
  return row as UserRow;
}

export async function linkIdentity(
  db: Db,
  connection: string,
  subject: string,
  userId: string,
): Promise<void> {
  await db('user_identities').insert({ connection, subject, user_id: userId, last_login_at: new Date() });
}

export async function touchIdentity(db: Db, connection: string, subject: string): Promise<void> {
  await db('user_identities').where({ connection, subject }).update({ last_login_at: new Date() });
}

/** Refreshes the profile from the IdP's claims and records the sign-in time. */
export async function recordLogin(
  db: Db,
  id: string,
  profile: { email: string; name: string },
): Promise<void> {
  await db('users').where({ id }).update({
    email: profile.email.toLowerCase(),
    name: profile.name,
    last_login_at: new Date(),
    updated_at: new Date(),
  });
}

export async function setUserStatus(db: Db, id: string, status: UserStatus): Promise<UserRow | undefined> {
  const [row] = await db<UserRow>('users')
    .where({ id })
    .update({ status, disabled_at: status === 'disabled' ? new Date() : null, updated_at: new Date() })
    .returning('*');
  return row as UserRow | undefined;
}

export interface UserSearch {
  q?: string | undefined;
  status?: UserStatus | undefined;
  limit: number;
  offset: number;
}

/** Users matching a case-insensitive e-mail or name fragment, by e-mail, with the total count. */
export async function searchUsers(db: Db, search: UserSearch): Promise<{ rows: UserRow[]; total: number }> {
  const base = db<UserRow>('users').modify((query) => {
    if (search.status) query.where({ status: search.status });
    if (search.q) {
      const like = `%${search.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      query.where((w) => w.whereILike('email', like).orWhereILike('name', like));
    }
  });
  // Sequential: `db` may be a transaction, whose one connection runs one query at a time.
  const rows = await base.clone().orderBy('email').limit(search.limit).offset(search.offset);
  const count = await base.clone().count<Array<{ count: string }>>({ count: '*' });
  return { rows: rows as UserRow[], total: Number(count[0]?.count ?? 0) };
}
