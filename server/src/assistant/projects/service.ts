/**
 * Projects and their tasks. A project belongs to its owner and, when shared, to a team: members of
 * that team see it and work on its tasks; only the owner renames, shares or deletes it. Anything the
 * caller cannot see is a 404, whether it exists or not.
 */
import { randomUUID } from 'node:crypto';
import type { AuditService } from '../../audit/index.js';
import { type Actor, audited } from '../../identity/index.js';
import type { Db } from '../../platform/db/knex.js';
import { AppError } from '../../platform/errors.js';
import type { RetentionRegistry } from '../content.js';
import { assertNoHeldContent } from '../hold.js';
import { decodeCursor, type Page, pageOf } from '../paging.js';
import { presentProject, presentTask } from '../presenters.js';
import {
  deleteProject,
  deleteTask,
  findProject,
  findTask,
  insertProject,
  insertTask,
  listProjects,
  listTasks,
  type ProjectRow,
  type TaskRow,
  updateProject,
  updateTask,
  type Viewer,
} from './repository.js';

type Presented = Record<string, unknown>;

export interface ProjectChanges {
  name?: string | undefined;
  description?: string | undefined;
  team_id?: string | null | undefined;
}

export interface TaskChanges {
  title?: string | undefined;
  description?: string | undefined;
  status?: TaskRow['status'] | undefined;
}

const notFound = () => new AppError('NOT_FOUND', 'No such project.');

/** The projects and tasks service. */
export class ProjectService {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
    private readonly retention?: Pick<RetentionRegistry, 'held'> | undefined,
  ) {}

  /** A visible project, or NOT_FOUND. */
  async project(viewer: Viewer, id: string, db: Db = this.db): Promise<ProjectRow> {
    const row = await findProject(db, viewer, id);
    if (!row) throw notFound();
    return row;
  }

  /** A task of a visible project, or NOT_FOUND. */
  async task(viewer: Viewer, projectId: string, taskId: string, db: Db = this.db): Promise<TaskRow> {
    await this.project(viewer, projectId, db);
    const row = await findTask(db, projectId, taskId);
    if (!row) throw new AppError('NOT_FOUND', 'No such task.');
    return row;
  }

  async get(viewer: Viewer, id: string): Promise<Presented> {
    return presentProject(await this.project(viewer, id), viewer);
  }

  async getTask(viewer: Viewer, projectId: string, taskId: string): Promise<Presented> {
    return presentTask(await this.task(viewer, projectId, taskId));
  }

  async list(viewer: Viewer, q: { q?: string; cursor?: string; limit: number }): Promise<Page<Presented>> {
    const rows = await listProjects(this.db, viewer, {
      q: q.q,
      after: decodeCursor(q.cursor),
      limit: q.limit,
    });
    return pageOf(
      rows,
      q.limit,
      (r) => ({ at: r.created_at, id: r.id }),
      (r) => presentProject(r, viewer),
    );
  }

  private requireTeam(viewer: Viewer, teamId: string | null | undefined): void {
    if (teamId && !viewer.teamIds.includes(teamId))
      throw new AppError('VALIDATION_FAILED', undefined, [
        { field: 'body.team_id', message: 'is not a team you are a member of' },
      ]);
  }

  async create(viewer: Viewer, actor: Actor, input: ProjectChanges & { name: string }): Promise<Presented> {
    this.requireTeam(viewer, input.team_id);
    const at = new Date();
    return this.db.transaction(async (trx) => {
      const row = await insertProject(trx, {
        id: randomUUID(),
        user_id: viewer.userId,
        team_id: input.team_id ?? null,
        name: input.name,
        description: input.description ?? '',
        created_at: at,
        updated_at: at,
      });
      if (row.team_id) await this.shared(trx, actor, row, null);
      return presentProject(row, viewer);
    });
  }

  /** The owner's project, locked for a change; others get NOT_FOUND (invisible) or FORBIDDEN. */
  private async owned(trx: Db, viewer: Viewer, id: string): Promise<ProjectRow> {
    const row = await this.project(viewer, id, trx);
    if (row.user_id !== viewer.userId)
      throw new AppError('FORBIDDEN', 'Only the owner of a project may change or delete it.');
    return row;
  }

  private shared(trx: Db, actor: Actor, row: ProjectRow, before: string | null) {
    return this.audit.record(
      trx,
      audited(actor, {
        action: 'project.shared',
        outcome: 'success',
        target: { type: 'project', id: row.id },
        details: { team_id: row.team_id, previous_team_id: before },
      }),
    );
  }

  async update(viewer: Viewer, actor: Actor, id: string, changes: ProjectChanges): Promise<Presented> {
    this.requireTeam(viewer, changes.team_id);
    return this.db.transaction(async (trx) => {
      const before = await this.owned(trx, viewer, id);
      const row = await updateProject(trx, id, { ...changes, updated_at: new Date() });
      if (changes.team_id !== undefined && (changes.team_id ?? null) !== before.team_id)
        await this.shared(trx, actor, row, before.team_id);
      return presentProject(row, viewer);
    });
  }

  async remove(viewer: Viewer, actor: Actor, id: string): Promise<void> {
    await this.db.transaction(async (trx) => {
      const row = await this.owned(trx, viewer, id);
      await assertNoHeldContent(trx, this.retention, { projectId: id });
      await deleteProject(trx, id);
      await this.audit.record(
        trx,
        audited(actor, {
          action: 'project.deleted',
          outcome: 'success',
          target: { type: 'project', id },
          details: { team_id: row.team_id },
        }),
      );
    });
  }

  async listTasks(
    viewer: Viewer,
    projectId: string,
    q: { status?: TaskRow['status']; cursor?: string; limit: number },
  ): Promise<Page<Presented>> {
    await this.project(viewer, projectId);
    const rows = await listTasks(this.db, projectId, {
      status: q.status,
      after: decodeCursor(q.cursor),
      limit: q.limit,
    });
    return pageOf(rows, q.limit, (r) => ({ at: r.created_at, id: r.id }), presentTask);
  }

  async createTask(
    viewer: Viewer,
    projectId: string,
    input: TaskChanges & { title: string },
  ): Promise<Presented> {
    await this.project(viewer, projectId);
    const at = new Date();
    const row = await insertTask(this.db, {
      id: randomUUID(),
      project_id: projectId,
      created_by: viewer.userId,
      title: input.title,
      description: input.description ?? '',
      status: input.status ?? 'open',
      created_at: at,
      updated_at: at,
    });
    return presentTask(row);
  }

  async updateTask(
    viewer: Viewer,
    projectId: string,
    taskId: string,
    changes: TaskChanges,
  ): Promise<Presented> {
    await this.task(viewer, projectId, taskId);
    return presentTask(await updateTask(this.db, taskId, { ...changes, updated_at: new Date() }));
  }

  async removeTask(viewer: Viewer, projectId: string, taskId: string): Promise<void> {
    await this.task(viewer, projectId, taskId);
    await assertNoHeldContent(this.db, this.retention, { taskId });
    await deleteTask(this.db, taskId);
  }
}
