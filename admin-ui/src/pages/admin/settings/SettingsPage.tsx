/** Settings: content retention and retention periods, the retention job, and the legal holds in force. */
import { useState } from 'react';
import { holds } from '../../../api/holds.js';
import { identity } from '../../../api/identity.js';
import { type RetentionRun, settings } from '../../../api/settings.js';
import { Alert, Badge, ErrorAlert, Loading } from '../../../components/Feedback.js';
import { Card, PageHeader } from '../../../components/Page.js';
import { ResultsTable, resourceRows } from '../../../components/ResultsTable.js';
import { Time } from '../../../components/Time.js';
import { useAction } from '../../../hooks/use-action.js';
import { useResource } from '../../../hooks/use-resource.js';
import { formatNumber, shortId } from '../../../lib/format.js';
import { Link } from '../../../router/router.js';
import { RetentionForm } from './RetentionForm.js';
import { UserLink } from './UserLink.js';

const HOLD_COLUMNS = [{ label: 'Held' }, { label: 'Reason' }, { label: 'Reference' }, { label: 'Placed' }];
const RUN_COLUMNS = [{ label: 'Started' }, { label: 'Trigger' }, { label: 'Outcome' }, { label: 'Deleted' }];

const RUN_TONE = { running: 'info', done: 'success', failed: 'danger', abandoned: 'warning' } as const;

const deletedText = (run: RetentionRun) =>
  Object.entries(run.deleted)
    .filter(([, n]) => n > 0)
    .map(([kind, n]) => `${formatNumber(n)} ${kind.replaceAll('_', ' ')}`)
    .join(', ') || 'nothing';

function LegalHolds() {
  const [history, setHistory] = useState(false);
  const list = useResource(() => holds.list(!history), [history]);
  const teams = useResource(() => identity.teams(), []);
  const teamName = (id: string) => teams.data?.teams.find((t) => t.id === id)?.name ?? shortId(id);
  return (
    <Card
      title="Legal holds"
      description="Users and teams whose content, usage events and sign-in history the retention job must not delete, and whose keys cannot be destroyed. Auditors place and release holds (compliance:export)."
      actions={
        <>
          <label className="checkbox">
            <input type="checkbox" checked={history} onChange={(e) => setHistory(e.target.checked)} />
            <span className="checkbox-title">Include released holds</span>
          </label>
          <Link to="/audit/legal-holds" className="btn btn-sm">
            Manage legal holds
          </Link>
        </>
      }
      labelledBy="holds-heading"
      flush
    >
      <ResultsTable
        bare
        columns={HOLD_COLUMNS}
        {...resourceRows(list, (d) => d.holds)}
        label="Legal holds"
        empty={{ title: history ? 'No legal hold was ever placed' : 'No legal hold is in force' }}
        renderRow={(h) => (
          <tr key={h.id}>
            <td>
              <Badge>{h.scope}</Badge>{' '}
              {h.scope === 'user' ? (
                <UserLink id={h.scope_id} />
              ) : (
                <Link to={`/admin/teams/${encodeURIComponent(h.scope_id)}`}>{teamName(h.scope_id)}</Link>
              )}
              {!h.active && (
                <div className="cell-sub">
                  released <Time value={h.released_at} />
                </div>
              )}
            </td>
            <td>{h.reason}</td>
            <td className="mono">{h.reference || <span className="muted">—</span>}</td>
            <td>
              <Time value={h.created_at} />
              <div className="cell-sub">
                by <UserLink id={h.created_by} />
              </div>
            </td>
          </tr>
        )}
      />
    </Card>
  );
}

function RetentionRuns() {
  const runs = useResource(() => settings.runs(), []);
  const { busy, error, run } = useAction();
  async function runNow() {
    await run(async () => {
      await settings.runNow();
      runs.reload();
    });
  }
  return (
    <Card
      title="Retention job"
      description="Runs once a day on one replica; each run is an audit event (retention.purged)."
      actions={
        <button type="button" className="btn btn-sm" onClick={() => void runNow()} disabled={busy}>
          Run now
        </button>
      }
      labelledBy="runs-heading"
      flush
    >
      {error !== undefined && (
        <div className="card-body">
          <ErrorAlert error={error} title="The run did not start" />
        </div>
      )}
      <ResultsTable
        bare
        columns={RUN_COLUMNS}
        {...resourceRows(runs, (d) => d.runs)}
        label="Retention runs"
        empty={{ title: 'The retention job has not run yet' }}
        renderRow={(run) => (
          <tr key={run.id}>
            <td>
              <Time value={run.started_at} />
            </td>
            <td>{run.trigger === 'manual' ? 'started by an admin' : 'daily schedule'}</td>
            <td>
              <Badge tone={RUN_TONE[run.status]}>{run.status}</Badge>
              {run.error && <div className="cell-sub">{run.error}</div>}
            </td>
            <td>{deletedText(run)}</td>
          </tr>
        )}
      />
    </Card>
  );
}

export function SettingsPage() {
  const current = useResource(() => settings.get(), []);
  return (
    <div className="page">
      <PageHeader
        title="Settings"
        description="What the appliance keeps of the prompts and answers that pass through it, and for how long."
      />
      <div className="stack">
        <ErrorAlert error={current.error} />
        {current.loading && !current.data && <Loading />}
        {current.data && <RetentionForm current={current.data} onSaved={current.setData} />}
        {current.data?.retention.content === 'full' && (
          <Alert tone="info" title="Content is being retained">
            Admins with break-glass access read it only with a recorded reason (content.read in the audit
            log). Erase a person’s or a team’s content with “Erase content” in their user or team panel, which
            destroys their content key.
          </Alert>
        )}
        <LegalHolds />
        <RetentionRuns />
      </div>
    </div>
  );
}
