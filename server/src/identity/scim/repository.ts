import type { Db } from '../../platform/db/knex.js';
import type { UserStatus } from '../users/repository.js';
import type { Comparison } from './filter.js';

/** A SCIM-provisioned user: the `scim_users` row with the user row's e-mail, name and status. */
export interface ScimUserRow {
  user_id: string;
  connection: string;
  user_name: string;
  external_id: string | null;
  given_name: string;
  family_name: string;
  created_at: Date;
  updated_at: Date;
  email: string;
  name: string;
  status: UserStatus;
}

/** A `scim_groups` row with the slug of its team, if any. */
export interface ScimGroupRow {
  id: string;
  connection: string;
  display_name: string;
  external_id: string | null;
  team_id: string | null;
  team_slug: string | null;
  created_at: Date;
  updated_at: Date;
}

/** A member of a group, as listed in the group resource. */
export interface ScimMemberRow {
  group_id: string;
  user_id: string;
  user_name: string | null;
  email: string;
}

/** A page of a list: rows skipped and rows returned. */
export interface Page {
  offset: number;
  limit: number;
}

const userColumns = [
  'su.user_id',
  'su.connection',
  'su.user_name',
  'su.external_id',
  'su.given_name',
  'su.family_name',
  'su.created_at',
  'su.updated_at',
  'u.email',
  'u.name',
  'u.status',
] as const;

/** Filterable User attributes (RFC 7643 §4.1) and how each compares. */
const USER_FILTERS: Record<string, { column: string; caseExact: boolean }> = {
  username: { column: 'su.user_name', caseExact: false },
  externalid: { column: 'su.external_id', caseExact: true },
  id: { column: 'su.user_id', caseExact: true },
  emails: { column: 'u.email', caseExact: false },
  'emails.value': { column: 'u.email', caseExact: false },
  displayname: { column: 'u.name', caseExact: true },
};

const GROUP_FILTERS: Record<string, { column: string; caseExact: boolean }> = {
  displayname: { column: 'g.display_name', caseExact: false },
  externalid: { column: 'g.external_id', caseExact: true },
  id: { column: 'g.id', caseExact: true },
};

/** True when the filter names an attribute this server can filter users or groups by. */
export const filterable = (resource: 'User' | 'Group', attribute: string) =>
  (resource === 'User' ? USER_FILTERS : GROUP_FILTERS)[attribute] !== undefined;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type Query = ReturnType<Db>;

function applyFilter(query: Query, filters: typeof USER_FILTERS, filter: Comparison | undefined): Query {
  if (!filter) return query;
  const spec = filters[filter.attribute];
  if (!spec) return query;
  const value = filter.value === null ? null : String(filter.value);
  // An id that is not a UUID matches nothing (and must not reach a uuid column).
  if (value === null || (filter.attribute === 'id' && !UUID.test(value))) return query.whereRaw('false');
  return spec.caseExact
    ? query.where(spec.column, value)
    : query.whereRaw(`lower(${spec.column}) = lower(?)`, [value]);
}

/** One page of a connection's users matching the filter, by creation, with the total. */
export async function listScimUsers(
  db: Db,
  connection: string,
  filter: Comparison | undefined,
  page: Page,
): Promise<{ rows: ScimUserRow[]; total: number }> {
  const base = applyFilter(
    db('scim_users as su').join('users as u', 'u.id', 'su.user_id').where('su.connection', connection),
    USER_FILTERS,
    filter,
  );
  // Sequential: `db` may be a transaction, whose one connection runs one query at a time.
  const count = await base.clone().count<Array<{ count: string }>>({ count: '*' });
  const rows = await base
    .clone()
    .orderBy([{ column: 'su.created_at' }, { column: 'su.user_id' }])
    .offset(page.offset)
    .limit(page.limit)
    .select(...userColumns);
  return { rows: rows as ScimUserRow[], total: Number(count[0]?.count ?? 0) };
}

/** One SCIM user of the connection, with the user row's fields. */
export const findScimUser = (db: Db, connection: string, userId: string) =>
  db('scim_users as su')
    .join('users as u', 'u.id', 'su.user_id')
    .where({ 'su.connection': connection, 'su.user_id': userId })
    .first(...userColumns) as Promise<ScimUserRow | undefined>;

/** The SCIM record of a user on any connection (a user is provisioned by one connection at most). */
export const scimRecordOf = (db: Db, userId: string) =>
  db('scim_users').where({ user_id: userId }).first('connection', 'user_name') as Promise<
    { connection: string; user_name: string } | undefined
  >;

/** The user holding this userName on the connection (case-insensitive), if any. */
export const findScimUserByUserName = (db: Db, connection: string, userName: string) =>
  db('scim_users')
    .where({ connection })
    .whereRaw('lower(user_name) = lower(?)', [userName])
    .first('user_id') as Promise<{ user_id: string } | undefined>;

/** The `scim_users` columns a create or update writes. */
export interface ScimUserFields {
  user_name: string;
  external_id: string | null;
  given_name: string;
  family_name: string;
}

/** Records that a user is provisioned by the connection. */
export async function insertScimUser(
  db: Db,
  row: ScimUserFields & { user_id: string; connection: string },
): Promise<void> {
  await db('scim_users').insert(row);
}

/** Writes the SCIM attributes of a user. */
export async function updateScimUser(db: Db, userId: string, fields: ScimUserFields): Promise<void> {
  await db('scim_users')
    .where({ user_id: userId })
    .update({ ...fields, updated_at: new Date() });
}

/** Forgets that a user is provisioned over SCIM (the user row stays). */
export async function deleteScimUser(db: Db, userId: string): Promise<void> {
  await db('scim_users').where({ user_id: userId }).delete();
}

const groupQuery = (db: Db) =>
  db('scim_groups as g').leftJoin('teams as t', 't.id', 'g.team_id').select('g.*', 't.slug as team_slug');

/** One page of a connection's groups matching the filter, with the total. */
export async function listScimGroups(
  db: Db,
  connection: string,
  filter: Comparison | undefined,
  page: Page,
): Promise<{ rows: ScimGroupRow[]; total: number }> {
  const base = applyFilter(db('scim_groups as g').where('g.connection', connection), GROUP_FILTERS, filter);
  const count = await base.clone().count<Array<{ count: string }>>({ count: '*' });
  const ids = await base
    .clone()
    .orderBy([{ column: 'g.created_at' }, { column: 'g.id' }])
    .offset(page.offset)
    .limit(page.limit)
    .pluck('g.id');
  const rows = (await groupQuery(db).whereIn('g.id', ids)) as ScimGroupRow[];
  const order = new Map((ids as string[]).map((id, i) => [id, i]));
  rows.sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
  return { rows, total: Number(count[0]?.count ?? 0) };
}

/** One SCIM group of the connection, with its team's slug. */
export const findScimGroup = (db: Db, connection: string, id: string) =>
  groupQuery(db).where({ 'g.connection': connection, 'g.id': id }).first() as Promise<
    ScimGroupRow | undefined
  >;

/** Locks a group row (SELECT ... FOR UPDATE) so concurrent membership changes serialise. */
export const lockScimGroup = (db: Db, connection: string, id: string) =>
  db('scim_groups').where({ connection, id }).forUpdate().first('id') as Promise<{ id: string } | undefined>;

/** Stores a new SCIM group. */
export async function insertScimGroup(
  db: Db,
  row: {
    id: string;
    connection: string;
    display_name: string;
    external_id: string | null;
    team_id: string | null;
  },
): Promise<void> {
  await db('scim_groups').insert(row);
}

/** Writes a group's name, external id and team. */
export async function updateScimGroup(
  db: Db,
  id: string,
  fields: { display_name: string; external_id: string | null; team_id: string | null },
): Promise<void> {
  await db('scim_groups')
    .where({ id })
    .update({ ...fields, updated_at: new Date() });
}

/** Deletes a group; its memberships go with it. */
export async function deleteScimGroup(db: Db, id: string): Promise<void> {
  await db('scim_groups').where({ id }).delete();
}

/** Members of the given groups, by group. */
export async function membersOf(db: Db, groupIds: readonly string[]): Promise<Map<string, ScimMemberRow[]>> {
  const rows = (await db('scim_group_members as m')
    .join('users as u', 'u.id', 'm.user_id')
    .leftJoin('scim_users as su', 'su.user_id', 'm.user_id')
    .whereIn('m.group_id', [...groupIds])
    .orderBy(['m.group_id', 'u.email'])
    .select('m.group_id', 'm.user_id', 'su.user_name', 'u.email')) as ScimMemberRow[];
  const byGroup = new Map<string, ScimMemberRow[]>();
  for (const row of rows) byGroup.set(row.group_id, [...(byGroup.get(row.group_id) ?? []), row]);
  return byGroup;
}

/** The user ids among `ids` that exist as users. */
export async function existingUserIds(db: Db, ids: readonly string[]): Promise<Set<string>> {
  const valid = ids.filter((id) => UUID.test(id));
  if (valid.length === 0) return new Set();
  return new Set((await db('users').whereIn('id', valid).pluck('id')) as string[]);
}

/** Adds members (existing ones are kept); returns the user ids actually added. */
export async function addMembers(db: Db, groupId: string, userIds: readonly string[]): Promise<string[]> {
  if (userIds.length === 0) return [];
  const rows = await db('scim_group_members')
    .insert(userIds.map((userId) => ({ group_id: groupId, user_id: userId })))
    .onConflict(['group_id', 'user_id'])
    .ignore()
    .returning('user_id');
  return rows.map((r: { user_id: string }) => r.user_id);
}

/** Removes members; `undefined` removes all. Returns the user ids removed. */
export async function removeMembers(db: Db, groupId: string, userIds?: readonly string[]): Promise<string[]> {
  const rows = await db('scim_group_members')
    .where({ group_id: groupId })
    .modify((q) => {
      if (userIds) q.whereIn('user_id', [...userIds]);
    })
    .delete()
    .returning('user_id');
  return rows.map((r: { user_id: string }) => r.user_id);
}

/** The SCIM groups of the connection a user belongs to, with their teams. */
export const groupsOfUser = (db: Db, connection: string, userId: string) =>
  db('scim_group_members as m')
    .join('scim_groups as g', 'g.id', 'm.group_id')
    .leftJoin('teams as t', 't.id', 'g.team_id')
    .where({ 'm.user_id': userId, 'g.connection': connection })
    .orderBy('g.display_name')
    .select('g.id', 'g.display_name', 't.slug as team_slug') as Promise<
    Array<{ id: string; display_name: string; team_slug: string | null }>
  >;

/** Sets the e-mail and display name of a user row (SCIM is the source of both for its users). */
export async function updateUserRow(
  db: Db,
  id: string,
  fields: { email: string; name: string },
): Promise<void> {
  await db('users')
    .where({ id })
    .update({ email: fields.email.toLowerCase(), name: fields.name, updated_at: new Date() });
}

/** Removes a user from every SCIM group of the connection. */
export async function removeFromAllGroups(db: Db, connection: string, userId: string): Promise<void> {
  await db('scim_group_members')
    .where({ user_id: userId })
    .whereIn('group_id', db('scim_groups').where({ connection }).select('id'))
    .delete();
}
