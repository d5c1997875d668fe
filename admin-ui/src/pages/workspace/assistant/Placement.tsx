/** Where an operation belongs: a project and one of its tasks (both optional), and the model to use. */
import { useEffect } from 'react';
import { assistant } from '../../../api/assistant.js';
import { gateway } from '../../../api/gateway.js';
import { Field } from '../../../components/Field.js';
import { useResource } from '../../../hooks/use-resource.js';

export interface PlacementValue {
  projectId: string;
  taskId: string;
  model: string;
}

/** The placement as request members (`project_id`, `task_id`, `model`), empty ones left out. */
export function placementBody(value: PlacementValue): Record<string, string> {
  return {
    ...(value.projectId ? { project_id: value.projectId } : {}),
    ...(value.projectId && value.taskId ? { task_id: value.taskId } : {}),
    ...(value.model ? { model: value.model } : {}),
  };
}

export function PlacementFields({
  value,
  onChange,
  disabled,
}: {
  value: PlacementValue;
  onChange(value: PlacementValue): void;
  disabled?: boolean;
}) {
  const projects = useResource(() => assistant.projects({ limit: 200 }), []);
  const tasks = useResource(
    async () =>
      value.projectId ? assistant.tasks(value.projectId, { limit: 200 }) : { items: [], next_cursor: null },
    [value.projectId],
  );
  const models = useResource(() => gateway.models(), []);
  const available = models.data?.data ?? [];
  // The first model the user may use, until they choose one.
  useEffect(() => {
    if (!value.model && available[0]) onChange({ ...value, model: available[0].id });
  }, [available, value, onChange]);
  return (
    <div className="form-grid">
      <Field label="Project">
        <select
          className="select"
          value={value.projectId}
          disabled={disabled}
          onChange={(e) => onChange({ ...value, projectId: e.target.value, taskId: '' })}
        >
          <option value="">No project</option>
          {projects.data?.items.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
            </option>
          ))}
        </select>
      </Field>
      <Field label="Task">
        <select
          className="select"
          value={value.taskId}
          disabled={disabled || !value.projectId}
          onChange={(e) => onChange({ ...value, taskId: e.target.value })}
        >
          <option value="">No task</option>
          {tasks.data?.items.map((t) => (
            <option key={t.id} value={t.id}>
              {t.title}
            </option>
          ))}
        </select>
      </Field>
      <Field label="Model">
        <select
          className="select"
          value={value.model}
          disabled={disabled || available.length === 0}
          onChange={(e) => onChange({ ...value, model: e.target.value })}
        >
          {available.map((m) => (
            <option key={m.id} value={m.id}>
              {m.id}
            </option>
          ))}
        </select>
      </Field>
    </div>
  );
}
