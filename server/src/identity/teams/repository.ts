import type { Db } from '../../platform/db/knex.js';
import type { BindingSource } from '../users/role-bindings.js';

/** A `teams` row. */
export interface TeamRow {
  id: string;
  slug: string;
  name: string;
  description: string;
  created_at: Date;
  updated_at: Date;
}

export type TeamRole = 'member' | 'team_admin';

/** A member of a team, as listed on the team. */
export interface TeamMemberRow {
  user_id: string;
  email: string;
  name: string;
  status: string;
  source: BindingSource;
  role: TeamRole;
  created_at: Date;
}

/** A team the user belongs to, with the user's role in it. */
export interface MembershipRow {
  team_id: string;
  slug: string;
  name: string;
  source: BindingSource;
  role: TeamRole;
}

const TEAM_ADMIN_OF = (userColumn: string, teamColumn: string) =>
  `exists (select 1 from role_bindings rb where rb.user_id = ${userColumn}
     and rb.team_id = ${teamColumn} and rb.role = 'team_admin')`;

/** Teams by slug, all or only `ids`, with their member counts. */
export const listTeams = (db: Db, ids?: readonly string[]) =>
  db('teams as t')
    .modify((q) => {
      if (ids) q.whereIn('t.id', [...ids]);
    })
    .orderBy('t.slug')
    .select(
      't.*',
      db.raw('(select count(*)::int from team_members m where m.team_id = t.id) as member_count'),
    ) as Promise<Array<TeamRow & { member_count: number }>>;

export const findTeam = (db: Db, id: string) =>
  db<TeamRow>('teams').where({ id }).first() as Promise<TeamRow | undefined>;

export const findTeamBySlug = (db: Db, slug: string) =>
  db<TeamRow>('teams').where({ slug }).first() as Promise<TeamRow | undefined>;

export async function insertTeam(
  db: Db,
  team: { id: string; slug: string; name: string; description: string },
): Promise<TeamRow> {
  const [row] = await db<TeamRow>('teams').insert(team).returning('*');
  return row as TeamRow;
}

/** Creates the team with this slug unless it exists; returns it and whether it was created. */
export async function ensureTeam(
  db: Db,
  id: string,
  slug: string,
): Promise<{ team: TeamRow; created: boolean }> {
  const [created] = await db<TeamRow>('teams')
    .insert({ id, slug, name: slug, description: '' })
    .onConflict('slug')
    .ignore()
    .returning('*');
  if (created) return { team: created as TeamRow, created: true };
  return { team: (await findTeamBySlug(db, slug)) as TeamRow, created: false };
}

export async function updateTeam(
  db: Db,
  id: string,
  changes: { name?: string | undefined; description?: string | undefined },
): Promise<TeamRow | undefined> {
  const [row] = await db<TeamRow>('teams')
    .where({ id })
    .update({
      ...(changes.name === undefined ? {} : { name: changes.name }),
      ...(changes.description === undefined ? {} : { description: changes.description }),
      updated_at: new Date(),
    })
    .returning('*');
  return row as TeamRow | undefined;
}

export async function deleteTeam(db: Db, id: string): Promise<TeamRow | undefined> {
  const [row] = await db<TeamRow>('teams').where({ id }).delete().returning('*');
  return row as TeamRow | undefined;
}

export const membersOf = (db: Db, teamId: string) =>
  db('team_members as m')
    .join('users as u', 'u.id', 'm.user_id')
    .where('m.team_id', teamId)
    .orderBy('u.email')
    .select(
      'm.user_id',
      'u.email',
      'u.name',
      'u.status',
      'm.source',
      'm.created_at',
      db.raw(
        `case when ${TEAM_ADMIN_OF('m.user_id', 'm.team_id')} then 'team_admin' else 'member' end as role`,
      ),
    ) as Promise<TeamMemberRow[]>;

export const membershipsOf = (db: Db, userId: string) =>
  db('team_members as m')
    .join('teams as t', 't.id', 'm.team_id')
    .where('m.user_id', userId)
    .orderBy('t.slug')
    .select(
      'm.team_id',
      't.slug',
      't.name',
      'm.source',
      db.raw(
        `case when ${TEAM_ADMIN_OF('m.user_id', 'm.team_id')} then 'team_admin' else 'member' end as role`,
      ),
    ) as Promise<MembershipRow[]>;

/** The user's memberships, bare (team id and source). */
export const teamIdsOf = (db: Db, userId: string) =>
  db('team_members').where({ user_id: userId }).select('team_id', 'source') as Promise<
    Array<{ team_id: string; source: BindingSource }>
  >;

/** Adds a membership; an existing one keeps its row but an admin write pins it (source admin). */
export async function upsertMember(
  db: Db,
  teamId: string,
  userId: string,
  source: BindingSource,
): Promise<boolean> {
  const query = db('team_members')
    .insert({ team_id: teamId, user_id: userId, source })
    .onConflict(['team_id', 'user_id']);
  const rows =
    source === 'admin' ? await query.merge({ source }).returning('*') : await query.ignore().returning('*');
  return rows.length > 0;
}

export async function deleteMember(db: Db, teamId: string, userId: string): Promise<boolean> {
  return (await db('team_members').where({ team_id: teamId, user_id: userId }).delete()) > 0;
}
