/** Create or edit a project: name, description, and the team it is shared with (one of the user's). */
import { type FormEvent, useState } from 'react';
import { assistant, type Project } from '../../../api/assistant.js';
import { Field } from '../../../components/Field.js';
import { FormDialog } from '../../../components/FormDialog.js';
import { useAction } from '../../../hooks/use-action.js';
import { useSession } from '../../../session/SessionProvider.js';

export function ProjectDialog({
  open,
  project,
  onClose,
  onSaved,
}: {
  open: boolean;
  project?: Project;
  onClose(): void;
  onSaved(project: Project): void;
}) {
  const { me } = useSession();
  const [name, setName] = useState(project?.name ?? '');
  const [description, setDescription] = useState(project?.description ?? '');
  const [teamId, setTeamId] = useState(project?.team_id ?? '');
  const { busy, error, run } = useAction();

  async function submit(event: FormEvent) {
    event.preventDefault();
    await run(async () => {
      const body = { name: name.trim(), description, team_id: teamId || null };
      const saved = project
        ? await assistant.updateProject(project.id, body)
        : await assistant.createProject(body);
      onSaved(saved);
    });
  }

  return (
    <FormDialog
      open={open}
      title={project ? 'Edit project' : 'New project'}
      description="A project groups tasks, conversations and the operations run for them."
      onClose={onClose}
      formId="project-form"
      onSubmit={submit}
      noValidate={false}
      submitLabel={project ? 'Save' : 'Create project'}
      busy={busy}
      disabled={!name.trim()}
      error={error}
      errorTitle="The project was not saved"
    >
      <Field label="Name">
        <input
          className="input"
          required
          maxLength={200}
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
      </Field>
      <Field label="Description" hint="Optional. Kept as written, in every retention mode.">
        <textarea
          className="textarea"
          rows={3}
          maxLength={20000}
          value={description}
          onChange={(e) => setDescription(e.target.value)}
        />
      </Field>
      <Field label="Shared with" hint="Members of the team see the project and work on its tasks.">
        <select className="select" value={teamId} onChange={(e) => setTeamId(e.target.value)}>
          <option value="">Only me</option>
          {me.teams.map((t) => (
            <option key={t.id} value={t.id}>
              {t.name}
            </option>
          ))}
        </select>
      </Field>
    </FormDialog>
  );
}
