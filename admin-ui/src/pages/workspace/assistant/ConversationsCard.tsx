/** The user's conversations under a project or task, and starting a new one there. */
import { useState } from 'react';
import { assistant } from '../../../api/assistant.js';
import { EmptyState, ErrorAlert } from '../../../components/Feedback.js';
import { ListBody } from '../../../components/ListBody.js';
import { Card } from '../../../components/Page.js';
import { Time } from '../../../components/Time.js';
import { useCursorList } from '../../../hooks/use-cursor-list.js';
import { Link, useNavigate } from '../../../router/router.js';

export function ConversationsCard({ projectId, taskId }: { projectId: string; taskId?: string }) {
  const navigate = useNavigate();
  const [error, setError] = useState<unknown>();
  const where = { project_id: projectId, ...(taskId ? { task_id: taskId } : {}) };
  const list = useCursorList(
    (cursor) => assistant.conversations({ ...where, cursor, limit: 20 }),
    [projectId, taskId],
  );

  async function start() {
    setError(undefined);
    try {
      const created = await assistant.createConversation(where);
      navigate(`/workspace/conversations/${created.id}`);
    } catch (err) {
      setError(err);
    }
  }

  return (
    <Card
      title="Conversations"
      labelledBy="conversations-title"
      description="Your own chats about this work; others in the team do not see them."
      actions={
        <button type="button" className="btn btn-sm" onClick={() => void start()}>
          New conversation
        </button>
      }
      flush
    >
      <ErrorAlert error={error} title="The conversation was not started" />
      <ListBody list={list} empty={<EmptyState title="No conversation yet" />}>
        <ul className="link-list">
          {list.items.map((c) => (
            <li key={c.id}>
              <Link to={`/workspace/conversations/${c.id}`}>{c.title ?? 'Untitled conversation'}</Link>
              <span className="subtle">
                {c.message_count} messages · <Time value={c.updated_at} relative />
              </span>
            </li>
          ))}
        </ul>
      </ListBody>
    </Card>
  );
}
