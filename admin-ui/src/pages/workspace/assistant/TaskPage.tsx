/** One task of a project: its status and description, and the work on it (generate, analyze, chat). */
import { useState } from 'react';
import { assistant, type TaskStatus } from '../../../api/assistant.js';
import { ErrorAlert, Loading } from '../../../components/Feedback.js';
import { Field } from '../../../components/Field.js';
import { Card, PageHeader } from '../../../components/Page.js';
import { useResource } from '../../../hooks/use-resource.js';
import { Link } from '../../../router/router.js';
import { ConversationsCard } from './ConversationsCard.js';
import { OperationsCard } from './OperationsCard.js';
import { STATUS_LABEL } from './ProjectPage.js';

export function TaskPage({ projectId, taskId }: { projectId: string; taskId: string }) {
  const project = useResource(() => assistant.project(projectId), [projectId]);
  const task = useResource(() => assistant.task(projectId, taskId), [projectId, taskId]);
  const [error, setError] = useState<unknown>();
  const t = task.data;

  async function setStatus(status: TaskStatus) {
    setError(undefined);
    try {
      task.setData(await assistant.updateTask(projectId, taskId, { status }));
    } catch (err) {
      setError(err);
    }
  }

  if (task.error) return <ErrorAlert error={task.error} title="The task could not be opened" />;
  if (!t) return <Loading page />;
  const query = `project=${projectId}&task=${taskId}`;
  return (
    <div className="page">
      <PageHeader
        title={t.title}
        breadcrumb={
          <>
            <Link to="/workspace/projects">Projects</Link> /{' '}
            <Link to={`/workspace/projects/${projectId}`}>{project.data?.name ?? 'Project'}</Link>
          </>
        }
        actions={
          <>
            <Link className="btn btn-primary" to={`/workspace/generate?${query}`}>
              Generate code
            </Link>
            <Link className="btn" to={`/workspace/analyze?${query}`}>
              Analyze
            </Link>
          </>
        }
      />
      <div className="stack">
        <ErrorAlert error={error} title="The task was not changed" />
        <Card>
          <div className="stack">
            <Field label="Status" className="field-narrow">
              <select
                className="select"
                value={t.status}
                onChange={(e) => void setStatus(e.target.value as TaskStatus)}
              >
                {Object.entries(STATUS_LABEL).map(([value, label]) => (
                  <option key={value} value={value}>
                    {label}
                  </option>
                ))}
              </select>
            </Field>
            {t.description ? (
              <p className="pre-wrap">{t.description}</p>
            ) : (
              <p className="muted">No description.</p>
            )}
          </div>
        </Card>
        <ConversationsCard projectId={projectId} taskId={taskId} />
        <OperationsCard projectId={projectId} taskId={taskId} />
      </div>
    </div>
  );
}
