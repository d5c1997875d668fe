/** `/api/v1/conversations` (permission `assistant:use`): the caller's own conversations. */
import type { Caller } from '../../gateway/index.js';
import { actorOf, type DeclaredRouter, handle, principalOf } from '../../identity/index.js';
import type { ConversationService } from '../conversations/service.js';
import {
  ConversationsQuery,
  CreateConversationBody,
  IdParams,
  PageQuery,
  UpdateConversationBody,
} from '../schemas.js';
import type { ViewerOf } from './viewer.js';

export function conversationRoutes(
  r: DeclaredRouter,
  conversations: ConversationService,
  viewerOf: ViewerOf,
  teamOf: (req: Parameters<ViewerOf>[0]) => Caller['teamId'],
): void {
  const use = 'assistant:use';
  const userOf = (req: Parameters<ViewerOf>[0]) => principalOf(req).userId;
  r.get(
    '/api/v1/conversations',
    use,
    ...handle({ query: ConversationsQuery }, async (req, res) => {
      res.json(await conversations.list(userOf(req), req.query));
    }),
  );
  r.post(
    '/api/v1/conversations',
    use,
    ...handle({ body: CreateConversationBody }, async (req, res) => {
      const { project_id: projectId, task_id: taskId, title } = req.body;
      const created = await conversations.create(await viewerOf(req), teamOf(req) || null, {
        projectId,
        taskId,
        title,
      });
      res.status(201).json(created);
    }),
  );
  r.get(
    '/api/v1/conversations/:id',
    use,
    ...handle({ params: IdParams }, async (req, res) => {
      res.json(await conversations.get(userOf(req), req.params.id));
    }),
  );
  r.patch(
    '/api/v1/conversations/:id',
    use,
    ...handle({ params: IdParams, body: UpdateConversationBody }, async (req, res) => {
      res.json(await conversations.rename(userOf(req), req.params.id, req.body.title));
    }),
  );
  r.delete(
    '/api/v1/conversations/:id',
    use,
    ...handle({ params: IdParams }, async (req, res) => {
      await conversations.remove(actorOf(req), req.params.id);
      res.status(204).end();
    }),
  );
  r.get(
    '/api/v1/conversations/:id/messages',
    use,
    ...handle({ params: IdParams, query: PageQuery }, async (req, res) => {
      res.setHeader('cache-control', 'no-store');
      res.json(await conversations.messages(userOf(req), req.params.id, req.query));
    }),
  );
}
