/** Legal holds: the users and teams whose content must be kept; place a hold, release one, see the history. */
import { useState } from 'react';
import { holds, type LegalHold } from '../../../api/holds.js';
import { ConfirmDialog } from '../../../components/Dialog.js';
import { Alert, Badge, ErrorAlert } from '../../../components/Feedback.js';
import { PageHeader } from '../../../components/Page.js';
import { ResultsTable, resourceRows } from '../../../components/ResultsTable.js';
import { Time } from '../../../components/Time.js';
import { useAction } from '../../../hooks/use-action.js';
import { useResource } from '../../../hooks/use-resource.js';
import { shortId } from '../../../lib/format.js';
import { Link } from '../../../router/router.js';
import { useSession } from '../../../session/SessionProvider.js';
import { UserLink } from '../../admin/settings/UserLink.js';
import { PlaceHoldDialog } from './PlaceHoldDialog.js';

const COLUMNS = [
  { label: 'Held' },
  { label: 'Reason' },
  { label: 'Reference' },
  { label: 'Placed' },
  { label: 'Status' },
  { label: 'Actions', hidden: true },
];

/** A user by name: a link to the user for admins, the name from the subjects directory for others. */
function Person({ id }: { id: string }) {
  const { can, me } = useSession();
  if (id === me.user.id) return <span>you</span>;
  return can('users:manage') ? <UserLink id={id} /> : <SubjectName id={id} />;
}

function SubjectName({ id }: { id: string }) {
  const found = useResource(() => holds.subjects('user', id), [id]);
  const user = found.data?.subjects[0];
  return <span title={user?.email ?? id}>{user ? user.name || user.email : shortId(id)}</span>;
}

export function LegalHoldsPage() {
  const { can } = useSession();
  const [history, setHistory] = useState(false);
  const list = useResource(() => holds.list(!history), [history]);
  const teams = useResource(() => holds.subjects('team'), []);
  const [placing, setPlacing] = useState(false);
  const [releasing, setReleasing] = useState<LegalHold>();
  const { busy, error, setError, run } = useAction();
  const [notice, setNotice] = useState<string>();

  const teamName = (id: string) => teams.data?.subjects.find((t) => t.id === id)?.name;

  async function release(hold: LegalHold) {
    setNotice(undefined);
    await run(async () => {
      await holds.release(hold.id);
      setNotice('The hold is released: retention and erasure apply again.');
      list.reload();
    });
    setReleasing(undefined);
  }

  return (
    <div className="page">
      <PageHeader
        title="Legal holds"
        description="Users and teams whose content, usage events and sign-in history the retention job must not delete, and whose content keys cannot be destroyed. Placing and releasing a hold are audit events."
        actions={
          <button type="button" className="btn btn-primary" onClick={() => setPlacing(true)}>
            Place a hold
          </button>
        }
      />
      <div className="stack">
        {notice && <Alert tone="success">{notice}</Alert>}
        <ErrorAlert error={error} title="The hold was not released" />
        <div className="toolbar">
          <label className="checkbox">
            <input type="checkbox" checked={history} onChange={(e) => setHistory(e.target.checked)} />
            <span className="checkbox-title">Include released holds</span>
          </label>
        </div>
        <ResultsTable
          columns={COLUMNS}
          {...resourceRows(list, (d) => d.holds)}
          label="Legal holds"
          empty={{
            title: history ? 'No legal hold was ever placed' : 'No legal hold is in force',
            hint: 'Place a hold on a user or a team when their records must be preserved.',
          }}
          renderRow={(h) => (
            <tr key={h.id}>
              <td>
                <Badge>{h.scope}</Badge>{' '}
                {h.scope === 'user' ? (
                  <Person id={h.scope_id} />
                ) : teamName(h.scope_id) && can('team:manage') ? (
                  <Link to={`/admin/teams/${encodeURIComponent(h.scope_id)}`}>{teamName(h.scope_id)}</Link>
                ) : teamName(h.scope_id) ? (
                  <span title={h.scope_id}>{teamName(h.scope_id)}</span>
                ) : (
                  <span className="mono" title={h.scope_id}>
                    {shortId(h.scope_id)}
                  </span>
                )}
              </td>
              <td>{h.reason}</td>
              <td className="mono">{h.reference || <span className="muted">—</span>}</td>
              <td>
                <Time value={h.created_at} />
                <div className="cell-sub">
                  by <Person id={h.created_by} />
                </div>
              </td>
              <td>
                {h.active ? (
                  <Badge tone="warning" dot>
                    in force
                  </Badge>
                ) : (
                  <>
                    <Badge>released</Badge>
                    <div className="cell-sub">
                      <Time value={h.released_at} />
                    </div>
                  </>
                )}
              </td>
              <td className="actions">
                {h.active && (
                  <button
                    type="button"
                    className="btn btn-sm"
                    disabled={busy}
                    onClick={() => setReleasing(h)}
                    aria-label={`Release hold ${h.reference || shortId(h.id)}`}
                  >
                    Release
                  </button>
                )}
              </td>
            </tr>
          )}
        />
      </div>
      <PlaceHoldDialog
        open={placing}
        onClose={() => setPlacing(false)}
        onPlaced={(subject) => {
          setError(undefined);
          setNotice(`${subject.label} is under legal hold.`);
          list.reload();
        }}
      />
      <ConfirmDialog
        open={releasing !== undefined}
        title="Release this legal hold?"
        confirmLabel="Release hold"
        busy={busy}
        onCancel={() => setReleasing(undefined)}
        onConfirm={() => releasing && void release(releasing)}
      >
        <p>
          The retention job deletes the subject’s expired content again at its next run, and their content key
          can be destroyed. The hold stays listed as history.
        </p>
      </ConfirmDialog>
    </div>
  );
}
