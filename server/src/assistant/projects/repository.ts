/** SQL of projects and tasks. */
import type { Knex } from 'knex';
import type { Db } from '../../platform/db/knex.js';
import { type After, afterKey } from '../paging.js';

export interface ProjectRow {
  id: string;
  user_id: string;
  team_id: string | null;
  name: string;
  description: string;
  created_at: Date;
  updated_at: Date;
}

export interface TaskRow {
  id: string;
  project_id: string;
  created_by: string | null;
  title: string;
  description: string;
  status: 'open' | 'in_progress' | 'done';
  created_at: Date;
  updated_at: Date;
}

/** Who looks: a user, and the teams they are a member of (a project shared with one is theirs too). */
export interface Viewer {
  userId: string;
  teamIds: readonly string[];
}

const visibleTo = (viewer: Viewer) => (q: Knex.QueryBuilder) => {
  q.where((w) => {
    w.where('p.user_id', viewer.userId);
    if (viewer.teamIds.length > 0) w.orWhereIn('p.team_id', [...viewer.teamIds]);
  });
};

/** A project the viewer may see. */
export const findProject = (db: Db, viewer: Viewer, id: string) =>
  db('projects as p').where('p.id', id).modify(visibleTo(viewer)).first('p.*') as Promise<
    ProjectRow | undefined
  >;

/** The viewer's projects (own and shared), newest first; `limit + 1` rows. */
export function listProjects(
  db: Db,
  viewer: Viewer,
  page: { q?: string | undefined; after: After | undefined; limit: number },
): Promise<ProjectRow[]> {
  const q = db('projects as p')
    .modify(visibleTo(viewer))
    .select('p.*')
    .limit(page.limit + 1);
  if (page.q) q.whereILike('p.name', `%${page.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  return afterKey(q, 'p.created_at', 'p.id', page.after) as unknown as Promise<ProjectRow[]>;
}

export async function insertProject(db: Db, row: ProjectRow): Promise<ProjectRow> {
  const [inserted] = (await db('projects').insert(row).returning('*')) as ProjectRow[];
  return inserted as ProjectRow;
}

export async function updateProject(
  db: Db,
  id: string,
  changes: Partial<Pick<ProjectRow, 'name' | 'description' | 'team_id'>> & { updated_at: Date },
): Promise<ProjectRow> {
  const [row] = (await db('projects').where({ id }).update(changes).returning('*')) as ProjectRow[];
  return row as ProjectRow;
}

export const deleteProject = (db: Db, id: string) => db('projects').where({ id }).delete();

/** A task of a project (the caller has checked the project is visible). */
export const findTask = (db: Db, projectId: string, id: string) =>
  db<TaskRow>('tasks').where({ id, project_id: projectId }).first() as Promise<TaskRow | undefined>;

export function listTasks(
  db: Db,
  projectId: string,
  page: { status?: TaskRow['status'] | undefined; after: After | undefined; limit: number },
): Promise<TaskRow[]> {
  const q = db('tasks as t')
    .where('t.project_id', projectId)
    .select('t.*')
    .limit(page.limit + 1);
  if (page.status) q.where('t.status', page.status);
  return afterKey(q, 't.created_at', 't.id', page.after) as unknown as Promise<TaskRow[]>;
}

export async function insertTask(db: Db, row: TaskRow): Promise<TaskRow> {
  const [inserted] = (await db('tasks').insert(row).returning('*')) as TaskRow[];
  return inserted as TaskRow;
}

export async function updateTask(
  db: Db,
  id: string,
  changes: Partial<Pick<TaskRow, 'title' | 'description' | 'status'>> & { updated_at: Date },
): Promise<TaskRow> {
  const [row] = (await db('tasks').where({ id }).update(changes).returning('*')) as TaskRow[];
  return row as TaskRow;
}

export const deleteTask = (db: Db, id: string) => db('tasks').where({ id }).delete();
