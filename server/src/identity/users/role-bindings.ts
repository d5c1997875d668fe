import { randomUUID } from 'node:crypto';
import type { Db } from '../../platform/db/knex.js';
import type { Role } from '../rbac.js';

export type BindingSource = 'idp' | 'admin';

/** A `role_bindings` row, with the team's slug when the role is team-scoped. */
export interface RoleBindingRow {
  id: string;
  user_id: string;
  role: Role;
  team_id: string | null;
  team_slug: string | null;
  source: BindingSource;
  created_at: Date;
  created_by: string | null;
}

/** The role bindings of one user, by role then team. */
export const bindingsOf = (db: Db, userId: string) =>
  db('role_bindings as rb')
    .leftJoin('teams as t', 't.id', 'rb.team_id')
    .where('rb.user_id', userId)
    .orderBy(['rb.role', 't.slug'])
    .select('rb.*', 't.slug as team_slug') as Promise<RoleBindingRow[]>;

/** Adds a binding; false when the user already holds that role (for that team). */
export async function insertBinding(
  db: Db,
  binding: {
    userId: string;
    role: Role;
    teamId: string | null;
    source: BindingSource;
    createdBy: string | null;
  },
): Promise<boolean> {
  const result = await db.raw(
    `insert into role_bindings (id, user_id, role, team_id, source, created_by)
     values (?, ?, ?, ?, ?, ?) on conflict do nothing`,
    [randomUUID(), binding.userId, binding.role, binding.teamId, binding.source, binding.createdBy],
  );
  return (result as { rowCount: number }).rowCount === 1;
}

export async function deleteBinding(db: Db, id: string): Promise<void> {
  await db('role_bindings').where({ id }).delete();
}

/** How many roles the user holds. */
export async function countBindings(db: Db, userId: string): Promise<number> {
  const [row] = (await db('role_bindings').where({ user_id: userId }).count({ count: '*' })) as Array<{
    count: string;
  }>;
  return Number(row?.count ?? 0);
}

/** Removes the user's team_admin binding for one team; true when there was one. */
export async function deleteTeamAdminBinding(db: Db, userId: string, teamId: string): Promise<boolean> {
  return (
    (await db('role_bindings').where({ user_id: userId, team_id: teamId, role: 'team_admin' }).delete()) > 0
  );
}

/** Makes the user hold the role as admin-pinned: adds it, or re-sources an IdP-derived binding. */
export async function pinBinding(
  db: Db,
  binding: { userId: string; role: Role; teamId: string | null; by: string },
): Promise<void> {
  const added = await insertBinding(db, { ...binding, source: 'admin', createdBy: binding.by });
  if (added) return;
  await db('role_bindings')
    .where({ user_id: binding.userId, role: binding.role })
    .modify((q) => (binding.teamId ? q.where({ team_id: binding.teamId }) : q.whereNull('team_id')))
    .update({ source: 'admin', created_by: binding.by });
}
