/** One project: its tasks (create, change status, open), its conversations and its operations. */
import { type FormEvent, useState } from 'react';
import { assistant, type TaskStatus } from '../../../api/assistant.js';
import { ConfirmDialog } from '../../../components/Dialog.js';
import { Badge, EmptyState, ErrorAlert, Loading } from '../../../components/Feedback.js';
import { Field } from '../../../components/Field.js';
import { ListBody } from '../../../components/ListBody.js';
import { Card, PageHeader } from '../../../components/Page.js';
import { useCursorList } from '../../../hooks/use-cursor-list.js';
import { useResource } from '../../../hooks/use-resource.js';
import { Link, useNavigate } from '../../../router/router.js';
import { ConversationsCard } from './ConversationsCard.js';
import { OperationsCard } from './OperationsCard.js';
import { ProjectDialog } from './ProjectDialog.js';

export const STATUS_LABEL: Record<TaskStatus, string> = {
  open: 'Open',
  in_progress: 'In progress',
  done: 'Done',
};
export const taskTone = (s: TaskStatus) =>
  s === 'done' ? 'success' : s === 'in_progress' ? 'info' : 'neutral';

function TasksCard({ projectId }: { projectId: string }) {
  const [title, setTitle] = useState('');
  const [error, setError] = useState<unknown>();
  const list = useCursorList((cursor) => assistant.tasks(projectId, { cursor, limit: 50 }), [projectId]);

  async function add(event: FormEvent) {
    event.preventDefault();
    setError(undefined);
    try {
      await assistant.createTask(projectId, { title: title.trim() });
      setTitle('');
      list.first.reload();
    } catch (err) {
      setError(err);
    }
  }

  return (
    <Card title="Tasks" labelledBy="tasks-title" flush>
      <div className="card-body">
        <form className="row row-end" onSubmit={add}>
          <Field label="New task" className="grow">
            <input
              className="input"
              maxLength={200}
              value={title}
              onChange={(e) => setTitle(e.target.value)}
            />
          </Field>
          <button type="submit" className="btn" disabled={!title.trim()}>
            Add task
          </button>
        </form>
        <ErrorAlert error={error} title="The task was not added" />
      </div>
      <ListBody list={list} empty={<EmptyState title="No task yet" />}>
        <ul className="link-list">
          {list.items.map((t) => (
            <li key={t.id}>
              <Link to={`/workspace/projects/${projectId}/tasks/${t.id}`}>{t.title}</Link>
              <Badge tone={taskTone(t.status)}>{STATUS_LABEL[t.status]}</Badge>
            </li>
          ))}
        </ul>
      </ListBody>
    </Card>
  );
}

export function ProjectPage({ id }: { id: string }) {
  const navigate = useNavigate();
  const project = useResource(() => assistant.project(id), [id]);
  const [editing, setEditing] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [error, setError] = useState<unknown>();
  const p = project.data;

  async function remove() {
    try {
      await assistant.deleteProject(id);
      navigate('/workspace/projects');
    } catch (err) {
      setError(err);
      setDeleting(false);
    }
  }

  if (project.error) return <ErrorAlert error={project.error} title="The project could not be opened" />;
  if (!p) return <Loading page />;
  return (
    <div className="page">
      <PageHeader
        title={p.name}
        description={p.description || undefined}
        breadcrumb={<Link to="/workspace/projects">Projects</Link>}
        actions={
          <>
            <Link className="btn" to={`/workspace/generate?project=${id}`}>
              Generate
            </Link>
            <Link className="btn" to={`/workspace/analyze?project=${id}`}>
              Analyze
            </Link>
            {p.owned && (
              <>
                <button type="button" className="btn" onClick={() => setEditing(true)}>
                  Edit
                </button>
                <button type="button" className="btn btn-danger" onClick={() => setDeleting(true)}>
                  Delete
                </button>
              </>
            )}
          </>
        }
      />
      <div className="stack">
        <ErrorAlert error={error} title="The project was not deleted" />
        <div className="grid-2">
          <TasksCard projectId={id} />
          <ConversationsCard projectId={id} />
        </div>
        <OperationsCard projectId={id} />
      </div>
      {editing && (
        <ProjectDialog
          open
          project={p}
          onClose={() => setEditing(false)}
          onSaved={(saved) => {
            setEditing(false);
            project.setData(saved);
          }}
        />
      )}
      <ConfirmDialog
        open={deleting}
        title={`Delete ${p.name}?`}
        confirmLabel="Delete project"
        onConfirm={() => void remove()}
        onCancel={() => setDeleting(false)}
      >
        Its tasks and conversations are deleted with it. Receipts of its operations stay in the log.
      </ConfirmDialog>
    </div>
  );
}
