/** Admin: find users, open one in a drawer (deep link /admin/users/:id). */
import { type FormEvent, useState } from 'react';
import { identity } from '../../api/identity.js';
import { Badge } from '../../components/Feedback.js';
import { Field } from '../../components/Field.js';
import { PageHeader } from '../../components/Page.js';
import { Pagination } from '../../components/Pagination.js';
import { ResultsTable, resourceRows } from '../../components/ResultsTable.js';
import { Time } from '../../components/Time.js';
import { useResource } from '../../hooks/use-resource.js';
import { useNavigate } from '../../router/router.js';
import { UserDrawer } from './UserDrawer.js';

const LIMIT = 25;
const COLUMNS = [
  { label: 'Name' },
  { label: 'Status' },
  { label: 'Last sign-in' },
  { label: 'Created' },
  { label: 'Actions', hidden: true },
];
type StatusFilter = '' | 'active' | 'disabled';

export function UsersPage({ selectedId }: { selectedId?: string }) {
  const navigate = useNavigate();
  const [draft, setDraft] = useState('');
  const [q, setQ] = useState('');
  const [status, setStatus] = useState<StatusFilter>('');
  const [offset, setOffset] = useState(0);
  const users = useResource(
    () => identity.users({ ...(q ? { q } : {}), ...(status ? { status } : {}), limit: LIMIT, offset }),
    [q, status, offset],
  );

  function search(event: FormEvent) {
    event.preventDefault();
    setQ(draft.trim());
    setOffset(0);
  }

  return (
    <div className="page">
      <PageHeader
        title="Users"
        description="People who have signed in through single sign-on. Roles come from identity provider groups; roles you pin here stay until you remove them."
      />
      <search>
        <form className="toolbar" onSubmit={search}>
          <Field label="Search" className="field-search">
            <input
              className="input"
              type="search"
              value={draft}
              placeholder="Name or e-mail"
              onChange={(e) => setDraft(e.target.value)}
            />
          </Field>
          <Field label="Status">
            <select
              className="select"
              value={status}
              onChange={(e) => {
                setStatus(e.target.value as StatusFilter);
                setOffset(0);
              }}
            >
              <option value="">All</option>
              <option value="active">Active</option>
              <option value="disabled">Disabled</option>
            </select>
          </Field>
          <button type="submit" className="btn btn-primary">
            Search
          </button>
        </form>
      </search>
      <ResultsTable
        columns={COLUMNS}
        {...resourceRows(users, (d) => d.users)}
        label="Users"
        empty={{
          title: 'No users found',
          hint: q ? 'Try another name or e-mail.' : 'Nobody has signed in yet.',
        }}
        after={
          users.data && (
            <Pagination offset={offset} limit={LIMIT} total={users.data.total} onChange={setOffset} />
          )
        }
        renderRow={(u) => (
          <tr key={u.id} aria-selected={u.id === selectedId}>
            <td>
              <div className="cell-title">{u.name || u.email}</div>
              <div className="cell-sub">{u.email}</div>
            </td>
            <td>
              <Badge tone={u.status === 'active' ? 'success' : 'danger'} dot>
                {u.status}
              </Badge>
            </td>
            <td>
              {u.last_login_at ? (
                <Time value={u.last_login_at} relative />
              ) : (
                <span className="muted">Never</span>
              )}
            </td>
            <td>
              <Time value={u.created_at} />
            </td>
            <td className="actions">
              <button
                type="button"
                className="btn btn-sm"
                onClick={() => navigate(`/admin/users/${u.id}`, { keepScroll: true })}
                aria-label={`Manage ${u.name || u.email}`}
              >
                Manage
              </button>
            </td>
          </tr>
        )}
      />
      <UserDrawer
        userId={selectedId}
        onClose={() => navigate('/admin/users', { keepScroll: true })}
        onChanged={users.reload}
      />
    </div>
  );
}
