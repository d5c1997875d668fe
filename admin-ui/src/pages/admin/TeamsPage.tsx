/** Teams: list, create (admins), open one to manage members (deep link /admin/teams/:id). */
import { type FormEvent, useState } from 'react';
import { identity } from '../../api/identity.js';
import { Field } from '../../components/Field.js';
import { FormDialog } from '../../components/FormDialog.js';
import { PageHeader } from '../../components/Page.js';
import { ResultsTable, resourceRows } from '../../components/ResultsTable.js';
import { Time } from '../../components/Time.js';
import { useAction } from '../../hooks/use-action.js';
import { useResource } from '../../hooks/use-resource.js';
import { formatNumber } from '../../lib/format.js';
import { useNavigate } from '../../router/router.js';
import { useSession } from '../../session/SessionProvider.js';
import { TeamDrawer } from './TeamDrawer.js';

const TEAM_COLUMNS = [
  { label: 'Team' },
  { label: 'Members', numeric: true },
  { label: 'Created' },
  { label: 'Actions', hidden: true },
];

const SLUG = /^[a-z0-9][a-z0-9-]{0,63}$/;
const slugify = (name: string) =>
  name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64);

function CreateTeamDialog({
  open,
  onClose,
  onCreated,
}: {
  open: boolean;
  onClose(): void;
  onCreated(id: string): void;
}) {
  const [name, setName] = useState('');
  const [slug, setSlug] = useState('');
  const [slugTouched, setSlugTouched] = useState(false);
  const [description, setDescription] = useState('');
  const [problems, setProblems] = useState<{ name?: string; slug?: string }>({});
  const { busy, error, setError, run } = useAction();

  function close() {
    setName('');
    setSlug('');
    setSlugTouched(false);
    setDescription('');
    setProblems({});
    setError(undefined);
    onClose();
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    const found = {
      ...(name.trim() ? {} : { name: 'A team needs a name.' }),
      ...(SLUG.test(slug)
        ? {}
        : { slug: 'Lowercase letters, digits and dashes; starts with a letter or digit.' }),
    };
    setProblems(found);
    if (Object.keys(found).length > 0) return;
    await run(async () => {
      const { team } = await identity.createTeam({
        name: name.trim(),
        slug,
        description: description.trim(),
      });
      close();
      onCreated(team.id);
    });
  }

  return (
    <FormDialog
      open={open}
      title="Create team"
      onClose={close}
      formId="create-team-form"
      onSubmit={submit}
      submitLabel={busy ? 'Creating…' : 'Create team'}
      busy={busy}
      error={error}
      errorTitle="The team was not created"
    >
      <Field label="Name" error={problems.name}>
        <input
          className="input"
          value={name}
          maxLength={128}
          onChange={(e) => {
            setName(e.target.value);
            if (!slugTouched) setSlug(slugify(e.target.value));
          }}
        />
      </Field>
      <Field
        label="Slug"
        error={problems.slug}
        hint="Used in IdP group mappings (auth.oidc.connections[].groupTeams)."
      >
        <input
          className="input mono"
          value={slug}
          maxLength={64}
          onChange={(e) => {
            setSlugTouched(true);
            setSlug(e.target.value);
          }}
        />
      </Field>
      <Field label="Description">
        <textarea
          className="textarea"
          rows={3}
          value={description}
          maxLength={2000}
          onChange={(e) => setDescription(e.target.value)}
        />
      </Field>
    </FormDialog>
  );
}

export function TeamsPage({ selectedId }: { selectedId?: string }) {
  const { can } = useSession();
  const navigate = useNavigate();
  const teams = useResource(() => identity.teams(), []);
  const [creating, setCreating] = useState(false);
  const open = (id: string) => navigate(`/admin/teams/${id}`, { keepScroll: true });

  return (
    <div className="page">
      <PageHeader
        title="Teams"
        description="Teams group people for quotas, usage reports and team-scoped audit access. Team admins manage their own team's members."
        actions={
          can('users:manage') && (
            <button type="button" className="btn btn-primary" onClick={() => setCreating(true)}>
              Create team
            </button>
          )
        }
      />
      <ResultsTable
        columns={TEAM_COLUMNS}
        {...resourceRows(teams, (d) => d.teams)}
        label="Teams"
        empty={{ title: 'No teams yet', hint: 'Create a team, or map an identity provider group to one.' }}
        renderRow={(t) => (
          <tr key={t.id} aria-selected={t.id === selectedId}>
            <td>
              <div className="cell-title">{t.name}</div>
              <div className="cell-sub">
                <span className="mono">{t.slug}</span>
                {t.description && ` · ${t.description}`}
              </div>
            </td>
            <td className="num">{formatNumber(t.member_count ?? 0)}</td>
            <td>
              <Time value={t.created_at} />
            </td>
            <td className="actions">
              <button
                type="button"
                className="btn btn-sm"
                onClick={() => open(t.id)}
                aria-label={`Manage ${t.name}`}
              >
                Manage
              </button>
            </td>
          </tr>
        )}
      />
      <CreateTeamDialog
        open={creating}
        onClose={() => setCreating(false)}
        onCreated={(id) => {
          teams.reload();
          open(id);
        }}
      />
      <TeamDrawer
        teamId={selectedId}
        onClose={() => navigate('/admin/teams', { keepScroll: true })}
        onChanged={teams.reload}
      />
    </div>
  );
}
