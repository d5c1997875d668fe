/**
 * Chooses the user or team a legal hold applies to: from the user and team directory when the
 * viewer may read it (users:manage, team:manage), otherwise by id (from the audit log or a receipt).
 */
import { type KeyboardEvent, useState } from 'react';
import type { HoldScope } from '../../../api/holds.js';
import { identity } from '../../../api/identity.js';
import { ErrorAlert } from '../../../components/Feedback.js';
import { Field } from '../../../components/Field.js';
import { useResource } from '../../../hooks/use-resource.js';
import { shortId } from '../../../lib/format.js';
import { useSession } from '../../../session/SessionProvider.js';
import { isUuid } from '../filters.js';

export interface Subject {
  id: string;
  label: string;
}

const DIRECTORY = { user: 'users:manage', team: 'team:manage' } as const;

export function SubjectPicker({
  scope,
  value,
  onChange,
  error,
}: {
  scope: HoldScope;
  value: Subject | undefined;
  onChange(subject: Subject | undefined): void;
  error?: string | undefined;
}) {
  const { can } = useSession();
  if (!can(DIRECTORY[scope])) return <ById scope={scope} value={value} onChange={onChange} error={error} />;
  if (value)
    return (
      <div className="field">
        <span className="field-label">{scope === 'user' ? 'User' : 'Team'}</span>
        <div className="row">
          <strong data-testid="hold-subject">{value.label}</strong>
          <button type="button" className="btn btn-sm" onClick={() => onChange(undefined)}>
            Choose another
          </button>
        </div>
      </div>
    );
  return scope === 'user' ? (
    <FindUser onChange={onChange} error={error} />
  ) : (
    <FindTeam onChange={onChange} error={error} />
  );
}

function ById({
  scope,
  value,
  onChange,
  error,
}: {
  scope: HoldScope;
  value: Subject | undefined;
  onChange(subject: Subject | undefined): void;
  error?: string | undefined;
}) {
  const [text, setText] = useState(value?.id ?? '');
  return (
    <Field
      label={scope === 'user' ? 'User id' : 'Team id'}
      hint={`The ${scope}'s id (UUID), as the audit log and receipts show it.`}
      error={error}
    >
      <input
        className="input mono"
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          const id = e.target.value.trim().toLowerCase();
          onChange(isUuid(id) ? { id, label: `The ${scope} ${shortId(id)}` } : undefined);
        }}
      />
    </Field>
  );
}

function Choices({ subjects, onChange }: { subjects: Subject[]; onChange(subject: Subject): void }) {
  if (subjects.length === 0) return <p className="muted">Nothing matches.</p>;
  return (
    <ul className="plain-list" aria-label="Matching subjects">
      {subjects.map((s) => (
        <li key={s.id} className="row-between">
          <strong>{s.label}</strong>
          <button
            type="button"
            className="btn btn-sm"
            onClick={() => onChange(s)}
            aria-label={`Choose ${s.label}`}
          >
            Choose
          </button>
        </li>
      ))}
    </ul>
  );
}

function FindUser({ onChange, error }: { onChange(subject: Subject): void; error?: string | undefined }) {
  const [q, setQ] = useState('');
  const [found, setFound] = useState<Subject[]>();
  const [failure, setFailure] = useState<unknown>();
  async function find() {
    setFailure(undefined);
    try {
      const { users } = await identity.users({ q: q.trim(), limit: 10 });
      setFound(users.map((u) => ({ id: u.id, label: u.name ? `${u.name} (${u.email})` : u.email })));
    } catch (err) {
      setFailure(err);
    }
  }
  // The picker sits inside the hold form: Enter searches instead of submitting the form.
  const onKey = (event: KeyboardEvent) => {
    if (event.key !== 'Enter') return;
    event.preventDefault();
    void find();
  };
  return (
    <div className="stack-sm">
      <div className="row row-end">
        <Field label="Find a user" className="grow" error={error}>
          <input
            className="input"
            type="search"
            value={q}
            placeholder="Name or e-mail"
            onChange={(e) => setQ(e.target.value)}
            onKeyDown={onKey}
          />
        </Field>
        <button type="button" className="btn" onClick={() => void find()}>
          Find
        </button>
      </div>
      <ErrorAlert error={failure} />
      {found && <Choices subjects={found} onChange={onChange} />}
    </div>
  );
}

function FindTeam({ onChange, error }: { onChange(subject: Subject): void; error?: string | undefined }) {
  const teams = useResource(() => identity.teams(), []);
  const [q, setQ] = useState('');
  const needle = q.trim().toLowerCase();
  const subjects = (teams.data?.teams ?? [])
    .filter((t) => `${t.name} ${t.slug}`.toLowerCase().includes(needle))
    .slice(0, 20)
    .map((t) => ({ id: t.id, label: t.name }));
  return (
    <div className="stack-sm">
      <Field label="Filter teams" error={error}>
        <input
          className="input"
          type="search"
          value={q}
          placeholder="Team name"
          onChange={(e) => setQ(e.target.value)}
          onKeyDown={(e) => e.key === 'Enter' && e.preventDefault()}
        />
      </Field>
      <ErrorAlert error={teams.error} />
      {teams.data && <Choices subjects={subjects} onChange={onChange} />}
    </div>
  );
}
