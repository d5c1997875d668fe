/**
 * Chooses the user or team a legal hold applies to, from the subjects directory of those who place
 * holds (`GET /api/v1/compliance/subjects`): users by name or e-mail, teams by name or slug.
 */
import { type KeyboardEvent, useState } from 'react';
import { type HoldScope, type HoldSubject, holds } from '../../../api/holds.js';
import { ErrorAlert } from '../../../components/Feedback.js';
import { Field } from '../../../components/Field.js';
import { useResource } from '../../../hooks/use-resource.js';

export interface Subject {
  id: string;
  label: string;
}

const labelOf = (s: HoldSubject) => (s.email ? (s.name ? `${s.name} (${s.email})` : s.email) : s.name);

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

function Choices({ subjects, onChange }: { subjects: HoldSubject[]; onChange(subject: Subject): void }) {
  if (subjects.length === 0) return <p className="muted">Nothing matches.</p>;
  return (
    <ul className="plain-list" aria-label="Matching subjects">
      {subjects.map((s) => (
        <li key={s.id} className="row-between">
          <span>
            <strong>{s.name || s.email}</strong> <span className="subtle">{s.email ?? s.slug}</span>
          </span>
          <button
            type="button"
            className="btn btn-sm"
            onClick={() => onChange({ id: s.id, label: labelOf(s) })}
            aria-label={`Choose ${labelOf(s)}`}
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
  const [found, setFound] = useState<HoldSubject[]>();
  const [failure, setFailure] = useState<unknown>();
  async function find() {
    setFailure(undefined);
    try {
      setFound((await holds.subjects('user', q.trim() || undefined)).subjects);
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
  const teams = useResource(() => holds.subjects('team'), []);
  const [q, setQ] = useState('');
  const needle = q.trim().toLowerCase();
  const subjects = (teams.data?.subjects ?? [])
    .filter((t) => `${t.name} ${t.slug ?? ''}`.toLowerCase().includes(needle))
    .slice(0, 20);
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
