/** Assign a plan to a user, a team or one API key: find the subject, then assign. */
import { type FormEvent, useState } from 'react';
import { identity, type Team, type User } from '../../../api/identity.js';
import { quotas, type SubjectType, userKeys } from '../../../api/quotas.js';
import { ErrorAlert } from '../../../components/Feedback.js';
import { Field } from '../../../components/Field.js';
import { useAction } from '../../../hooks/use-action.js';
import { useResource } from '../../../hooks/use-resource.js';

const TYPES: Array<{ value: SubjectType; label: string }> = [
  { value: 'user', label: 'A user' },
  { value: 'team', label: 'A team' },
  { value: 'api_key', label: 'An API key' },
];

const FIND_LABEL: Record<SubjectType, string> = {
  user: 'Find a user',
  team: 'Filter teams',
  api_key: 'Find the key’s owner',
};

interface Candidate {
  type: SubjectType;
  id: string;
  label: string;
  detail: string;
}

export function AssignForm({ planId, onAssigned }: { planId: string; onAssigned(label: string): void }) {
  const [type, setType] = useState<SubjectType>('user');
  const [q, setQ] = useState('');
  const [found, setFound] = useState<Candidate[] | undefined>();
  const { busy, error, run } = useAction();
  const teams = useResource(async () => (type === 'team' ? identity.teams() : undefined), [type]);

  async function search(event: FormEvent) {
    event.preventDefault();
    if (type === 'team') return;
    await run(async () => {
      const { users } = await identity.users({ q: q.trim(), status: 'active', limit: 10 });
      if (type === 'user') {
        setFound(users.map((u: User) => ({ type, id: u.id, label: u.name || u.email, detail: u.email })));
      } else {
        const keys = await Promise.all(
          users.map(async (u) => ({ user: u, keys: (await userKeys(u.id)).keys })),
        );
        setFound(
          keys.flatMap(({ user, keys: list }) =>
            list.map((k) => ({ type, id: k.id, label: k.name, detail: `${k.prefix}… of ${user.email}` })),
          ),
        );
      }
    });
  }

  async function assign(c: Candidate) {
    await run(async () => {
      await quotas.assign(c.type, c.id, planId);
      setFound(undefined);
      setQ('');
      onAssigned(c.label);
    });
  }

  const teamCandidates = (teams.data?.teams ?? []).map((t: Team) => ({
    type: 'team' as const,
    id: t.id,
    label: t.name,
    detail: t.slug,
  }));
  const needle = q.trim().toLowerCase();
  const candidates =
    type === 'team'
      ? teamCandidates.filter((t) => `${t.label} ${t.detail}`.toLowerCase().includes(needle)).slice(0, 20)
      : found;
  return (
    <section className="stack-sm" aria-labelledby="assign-heading">
      <h3 id="assign-heading">Assign this plan</h3>
      <p className="subtle">
        A subject has one plan. Assigning replaces the plan it had; a call must stay within the plans of its
        user, its team and its API key.
      </p>
      <ErrorAlert error={error} title="The plan was not assigned" />
      <div className="row row-end">
        <Field label="Assign to">
          <select
            className="select"
            value={type}
            onChange={(e) => {
              setType(e.target.value as SubjectType);
              setFound(undefined);
            }}
          >
            {TYPES.map((t) => (
              <option key={t.value} value={t.value}>
                {t.label}
              </option>
            ))}
          </select>
        </Field>
        <form className="row row-end grow" onSubmit={search}>
          <Field label={FIND_LABEL[type]} className="grow">
            <input
              className="input"
              type="search"
              value={q}
              placeholder={type === 'team' ? 'Team name' : 'Name or e-mail'}
              onChange={(e) => setQ(e.target.value)}
            />
          </Field>
          {type !== 'team' && (
            <button type="submit" className="btn" disabled={busy}>
              Find
            </button>
          )}
        </form>
      </div>
      {candidates && candidates.length === 0 && <p className="muted">Nobody matches.</p>}
      {candidates && candidates.length > 0 && (
        <ul className="plain-list" aria-label="Matching subjects">
          {candidates.map((c) => (
            <li key={c.id} className="row-between">
              <span>
                <strong>{c.label}</strong> <span className="subtle">{c.detail}</span>
              </span>
              <button
                type="button"
                className="btn btn-sm"
                disabled={busy}
                onClick={() => void assign(c)}
                aria-label={`Assign to ${c.label}`}
              >
                Assign
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
