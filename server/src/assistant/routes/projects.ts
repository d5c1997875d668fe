/** `/api/v1/projects` and `/api/v1/projects/:id/tasks` (permission `assistant:use`). */
import { actorOf, type DeclaredRouter, handle } from '../../identity/index.js';
import type { ProjectService } from '../projects/service.js';
import {
  CreateProjectBody,
  CreateTaskBody,
  IdParams,
  ProjectsQuery,
  TaskParams,
  TasksQuery,
  UpdateProjectBody,
  UpdateTaskBody,
} from '../schemas.js';
import type { ViewerOf } from './viewer.js';

export function projectRoutes(r: DeclaredRouter, projects: ProjectService, viewerOf: ViewerOf): void {
  const use = 'assistant:use';
  r.get(
    '/api/v1/projects',
    use,
    ...handle({ query: ProjectsQuery }, async (req, res) => {
      res.json(await projects.list(await viewerOf(req), req.query));
    }),
  );
  r.post(
    '/api/v1/projects',
    use,
    ...handle({ body: CreateProjectBody }, async (req, res) => {
      res.status(201).json(await projects.create(await viewerOf(req), actorOf(req), req.body));
    }),
  );
  r.get(
    '/api/v1/projects/:id',
    use,
    ...handle({ params: IdParams }, async (req, res) => {
      res.json(await projects.get(await viewerOf(req), req.params.id));
    }),
  );
  r.patch(
    '/api/v1/projects/:id',
    use,
    ...handle({ params: IdParams, body: UpdateProjectBody }, async (req, res) => {
      res.json(await projects.update(await viewerOf(req), actorOf(req), req.params.id, req.body));
    }),
  );
  r.delete(
    '/api/v1/projects/:id',
    use,
    ...handle({ params: IdParams }, async (req, res) => {
      await projects.remove(await viewerOf(req), actorOf(req), req.params.id);
      res.status(204).end();
    }),
  );
  r.get(
    '/api/v1/projects/:id/tasks',
    use,
    ...handle({ params: IdParams, query: TasksQuery }, async (req, res) => {
      res.json(await projects.listTasks(await viewerOf(req), req.params.id, req.query));
    }),
  );
  r.post(
    '/api/v1/projects/:id/tasks',
    use,
    ...handle({ params: IdParams, body: CreateTaskBody }, async (req, res) => {
      res.status(201).json(await projects.createTask(await viewerOf(req), req.params.id, req.body));
    }),
  );
  r.get(
    '/api/v1/projects/:id/tasks/:taskId',
    use,
    ...handle({ params: TaskParams }, async (req, res) => {
      res.json(await projects.getTask(await viewerOf(req), req.params.id, req.params.taskId));
    }),
  );
  r.patch(
    '/api/v1/projects/:id/tasks/:taskId',
    use,
    ...handle({ params: TaskParams, body: UpdateTaskBody }, async (req, res) => {
      res.json(await projects.updateTask(await viewerOf(req), req.params.id, req.params.taskId, req.body));
    }),
  );
  r.delete(
    '/api/v1/projects/:id/tasks/:taskId',
    use,
    ...handle({ params: TaskParams }, async (req, res) => {
      await projects.removeTask(await viewerOf(req), req.params.id, req.params.taskId);
      res.status(204).end();
    }),
  );
}
