/** Quota plans: rate limits, token budgets and model access, assigned to users, teams and API keys. */
import { useState } from 'react';
import { type Plan, quotas } from '../../../api/quotas.js';
import { ConfirmDialog } from '../../../components/Dialog.js';
import { Alert, ErrorAlert } from '../../../components/Feedback.js';
import { PageHeader } from '../../../components/Page.js';
import { ResultsTable, resourceRows } from '../../../components/ResultsTable.js';
import { useAction } from '../../../hooks/use-action.js';
import { useResource } from '../../../hooks/use-resource.js';
import { formatCompact, formatNumber } from '../../../lib/format.js';
import { useNavigate } from '../../../router/router.js';
import { PlanDialog } from './PlanDialog.js';
import { PlanDrawer } from './PlanDrawer.js';

const COLUMNS = [
  { label: 'Plan' },
  { label: 'Requests/min', numeric: true },
  { label: 'Tokens/min', numeric: true },
  { label: 'Tokens/day', numeric: true },
  { label: 'Tokens/month', numeric: true },
  { label: 'Streams', numeric: true },
  { label: 'Models' },
  { label: 'Assigned', numeric: true },
  { label: 'Actions', hidden: true },
];

const limit = (n: number | null) => (n === null ? <span className="muted">—</span> : formatCompact(n));

export function QuotasPage({ selectedId }: { selectedId?: string }) {
  const navigate = useNavigate();
  const plans = useResource(() => quotas.plans(), []);
  const [editing, setEditing] = useState<{ plan: Plan | undefined } | undefined>();
  const [deleting, setDeleting] = useState<Plan>();
  const { busy, error, run } = useAction();
  const [notice, setNotice] = useState<string>();
  // A saved plan changes what the open drawer shows.
  const [revision, setRevision] = useState(0);
  const open = (id: string) => navigate(`/admin/quotas/${id}`, { keepScroll: true });

  async function remove() {
    if (!deleting) return;
    const plan = deleting;
    await run(async () => {
      await quotas.deletePlan(plan.id);
      setNotice(`The plan ${plan.name} is deleted.`);
      navigate('/admin/quotas', { keepScroll: true });
      plans.reload();
    });
    setDeleting(undefined);
  }

  return (
    <div className="page page-wide">
      <PageHeader
        title="Quota plans"
        description="A plan sets requests and tokens per minute, daily and monthly token budgets, concurrent streams and the models allowed. Assign it to users, teams or API keys; a call must fit the plans of all three. Without a plan, the configured defaults apply."
        actions={
          <button type="button" className="btn btn-primary" onClick={() => setEditing({ plan: undefined })}>
            Create plan
          </button>
        }
      />
      <div className="stack">
        {notice && <Alert tone="success">{notice}</Alert>}
        <ErrorAlert error={error} title="The plan was not deleted" />
        <ResultsTable
          columns={COLUMNS}
          {...resourceRows(plans, (d) => d.data)}
          label="Quota plans"
          empty={{
            title: 'No quota plan yet',
            hint: 'Create a plan, then assign it to a team, a user or an API key.',
          }}
          renderRow={(p) => (
            <tr key={p.id} aria-selected={p.id === selectedId}>
              <td>
                <div className="cell-title">{p.name}</div>
                {p.description && <div className="cell-sub">{p.description}</div>}
              </td>
              <td className="num">{limit(p.requests_per_minute)}</td>
              <td className="num">{limit(p.tokens_per_minute)}</td>
              <td className="num">{limit(p.tokens_per_day)}</td>
              <td className="num">{limit(p.tokens_per_month)}</td>
              <td className="num">{limit(p.max_concurrent_streams)}</td>
              <td className="mono">
                {p.allowed_models ? p.allowed_models.join(', ') : <span className="muted">all</span>}
              </td>
              <td className="num">{formatNumber(p.assignments ?? 0)}</td>
              <td className="actions">
                <button
                  type="button"
                  className="btn btn-sm"
                  onClick={() => open(p.id)}
                  aria-label={`Manage ${p.name}`}
                >
                  Manage
                </button>
              </td>
            </tr>
          )}
        />
      </div>
      <PlanDialog
        open={editing !== undefined}
        plan={editing?.plan}
        onClose={() => setEditing(undefined)}
        onSaved={(plan) => {
          setEditing(undefined);
          setNotice(`The plan ${plan.name} is saved.`);
          setRevision((r) => r + 1);
          plans.reload();
          open(plan.id);
        }}
      />
      <PlanDrawer
        planId={selectedId}
        revision={revision}
        onClose={() => navigate('/admin/quotas', { keepScroll: true })}
        onEdit={(plan) => setEditing({ plan })}
        onDelete={setDeleting}
        onChanged={plans.reload}
      />
      <ConfirmDialog
        open={deleting !== undefined}
        title="Delete this plan?"
        confirmLabel="Delete plan"
        busy={busy}
        onCancel={() => setDeleting(undefined)}
        onConfirm={() => void remove()}
      >
        <p>The plan {deleting?.name} is deleted. It has no assignments, so nobody’s limits change.</p>
      </ConfirmDialog>
    </div>
  );
}
