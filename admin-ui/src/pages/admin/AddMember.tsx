/** Finds a user by name or e-mail and adds them to a team (admins, who may search users). */
import { type FormEvent, useState } from 'react';
import { identity, type User } from '../../api/identity.js';
import { ErrorAlert } from '../../components/Feedback.js';
import { Field } from '../../components/Field.js';

export function AddMember({
  onAdd,
  busy,
}: {
  onAdd(user: User, role: 'member' | 'team_admin'): void;
  busy: boolean;
}) {
  const [q, setQ] = useState('');
  const [results, setResults] = useState<User[] | undefined>();
  const [role, setRole] = useState<'member' | 'team_admin'>('member');
  const [error, setError] = useState<unknown>();

  async function search(event: FormEvent) {
    event.preventDefault();
    if (!q.trim()) return;
    setError(undefined);
    try {
      setResults((await identity.users({ q: q.trim(), status: 'active', limit: 8 })).users);
    } catch (err) {
      setError(err);
    }
  }

  return (
    <div className="stack-sm">
      <search>
        <form className="toolbar" onSubmit={search} aria-label="Find a user to add">
          <Field label="Add a person" className="field-search">
            <input
              className="input"
              type="search"
              value={q}
              placeholder="Name or e-mail"
              onChange={(e) => setQ(e.target.value)}
            />
          </Field>
          <Field label="As">
            <select
              className="select"
              value={role}
              onChange={(e) => setRole(e.target.value as 'member' | 'team_admin')}
            >
              <option value="member">Member</option>
              <option value="team_admin">Team admin</option>
            </select>
          </Field>
          <button type="submit" className="btn">
            Find
          </button>
        </form>
      </search>
      <ErrorAlert error={error} />
      {results && results.length === 0 && <p className="muted">Nobody matches “{q}”.</p>}
      {results && results.length > 0 && (
        <ul className="plain-list" aria-label="Matching users">
          {results.map((u) => (
            <li key={u.id} className="row-between">
              <span>
                <strong>{u.name || u.email}</strong> <span className="subtle">{u.email}</span>
              </span>
              <button
                type="button"
                className="btn btn-sm"
                disabled={busy}
                onClick={() => {
                  onAdd(u, role);
                  setResults(undefined);
                  setQ('');
                }}
              >
                Add
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
