/** One quota plan: its limits, who has it and how much of each limit they use now; assign and remove. */
import { useState } from 'react';
import { type Assignment, type Consumption, type Plan, quotas, type Window } from '../../../api/quotas.js';
import { ConfirmDialog, Dialog } from '../../../components/Dialog.js';
import { Alert, Badge, ErrorAlert, Loading } from '../../../components/Feedback.js';
import { Time } from '../../../components/Time.js';
import { useAction } from '../../../hooks/use-action.js';
import { useResource } from '../../../hooks/use-resource.js';
import { formatCompact, formatNumber } from '../../../lib/format.js';
import { AssignForm } from './AssignForm.js';
import { LIMITS } from './PlanDialog.js';

const SUBJECT = { user: 'User', team: 'Team', api_key: 'API key' } as const;

const WINDOWS: Array<{ key: keyof Consumption; label: string }> = [
  { key: 'requests_per_minute', label: 'Requests this minute' },
  { key: 'tokens_per_minute', label: 'Tokens this minute' },
  { key: 'tokens_per_day', label: 'Tokens today' },
  { key: 'tokens_per_month', label: 'Tokens this month' },
  { key: 'concurrent_streams', label: 'Streams now' },
];

/** Used against a limit: the numbers, and a bar that turns amber at 80 % and red at the limit. */
export function Meter({ label, window }: { label: string; window: Window }) {
  if (window.limit === null) {
    return (
      <div className="meter">
        <span className="meter-label">{label}</span>
        <span className="meter-value">
          {formatNumber(window.used)} <span className="subtle">· no limit</span>
        </span>
      </div>
    );
  }
  const share = window.limit === 0 ? 1 : Math.min(1, window.used / window.limit);
  const tone = share >= 1 ? 'danger' : share >= 0.8 ? 'warning' : 'ok';
  return (
    <div className="meter">
      <span className="meter-label">{label}</span>
      <span className="meter-value">
        {formatNumber(window.used)} <span className="subtle">of {formatNumber(window.limit)}</span>
      </span>
      <svg
        className={`meter-bar meter-${tone}`}
        viewBox="0 0 100 6"
        preserveAspectRatio="none"
        aria-hidden="true"
      >
        <rect width="100" height="6" rx="3" className="meter-track" />
        <rect
          width={Math.max(share * 100, window.used > 0 ? 2 : 0)}
          height="6"
          rx="3"
          className="meter-fill"
        />
      </svg>
    </div>
  );
}

/** The plan's limits as short text ("600 req/min · 100K tokens/day"). */
export function limitsText(plan: Plan): string {
  const parts = LIMITS.flatMap(({ key, unit }) => {
    const value = plan[key];
    if (value === null) return [];
    const per = key.endsWith('minute')
      ? '/min'
      : key.endsWith('day')
        ? '/day'
        : key.endsWith('month')
          ? '/month'
          : '';
    return [`${formatCompact(value)} ${unit}${per}`];
  });
  return parts.join(' · ') || 'No limits';
}

function SubjectRow({
  a,
  onRemove,
}: {
  a: Assignment & { consumption?: Consumption };
  onRemove(a: Assignment): void;
}) {
  const name = a.subject_label ?? `${SUBJECT[a.subject_type]} ${a.subject_id.slice(0, 8)}…`;
  return (
    <li className="subject">
      <div className="row-between">
        <span>
          <Badge>{SUBJECT[a.subject_type]}</Badge> <strong>{name}</strong>{' '}
          <span className="subtle">{a.subject_detail ?? 'no longer exists'}</span>
        </span>
        <button
          type="button"
          className="btn btn-sm"
          onClick={() => onRemove(a)}
          aria-label={`Remove ${name}`}
        >
          Remove
        </button>
      </div>
      {a.consumption && (
        <div className="meters">
          {WINDOWS.map((w) => (
            <Meter key={w.key} label={w.label} window={a.consumption?.[w.key] as Window} />
          ))}
        </div>
      )}
    </li>
  );
}

export function PlanDrawer({
  planId,
  revision,
  onClose,
  onEdit,
  onDelete,
  onChanged,
}: {
  planId: string | undefined;
  /** Changes when the plan was edited elsewhere: the drawer reads it again. */
  revision: number;
  onClose(): void;
  onEdit(plan: Plan): void;
  onDelete(plan: Plan): void;
  onChanged(): void;
}) {
  const detail = useResource(
    async (signal) => (planId ? quotas.consumption(planId, signal) : undefined),
    [planId, revision],
  );
  const [notice, setNotice] = useState<string>();
  const [removing, setRemoving] = useState<Assignment>();
  const { busy, error, setError, run } = useAction();
  const plan = detail.data?.plan;

  async function remove() {
    if (!removing) return;
    const assignment = removing;
    await run(async () => {
      await quotas.unassign(assignment.subject_type, assignment.subject_id);
      setNotice(`${assignment.subject_label ?? 'The subject'} no longer has this plan.`);
      detail.reload();
      onChanged();
    });
    setRemoving(undefined);
  }

  const subjects = detail.data?.data ?? [];
  return (
    <Dialog
      open={planId !== undefined}
      variant="drawer"
      title={plan?.name ?? 'Quota plan'}
      description={plan ? limitsText(plan) : undefined}
      onClose={() => {
        setNotice(undefined);
        setError(undefined);
        onClose();
      }}
    >
      {detail.loading && !detail.data && <Loading />}
      <ErrorAlert error={detail.error} />
      {plan && plan.id === planId && (
        <div className="stack">
          {notice && <Alert tone="success">{notice}</Alert>}
          <ErrorAlert error={error} title="The change was not made" />
          {plan.description && <p>{plan.description}</p>}
          <dl className="dl">
            <dt>Models</dt>
            <dd className="mono">{plan.allowed_models ? plan.allowed_models.join(', ') : 'every model'}</dd>
            <dt>Changed</dt>
            <dd>
              <Time value={plan.updated_at} />
            </dd>
          </dl>
          <div className="row">
            <button type="button" className="btn" onClick={() => onEdit(plan)}>
              Edit plan
            </button>
            <button
              type="button"
              className="btn btn-danger"
              onClick={() => onDelete(plan)}
              disabled={subjects.length > 0}
              title={subjects.length > 0 ? 'Remove every assignment first' : undefined}
            >
              Delete plan
            </button>
          </div>
          <hr className="divider" />
          <section className="stack-sm" aria-labelledby="subjects-heading">
            <div className="row-between">
              <h3 id="subjects-heading">Assigned to</h3>
              {detail.data && (
                <span className="subtle">
                  measured <Time value={detail.data.measured_at} relative />
                </span>
              )}
            </div>
            {subjects.length === 0 ? (
              <p className="muted">Nobody has this plan yet.</p>
            ) : (
              <ul className="plain-list" aria-label="Subjects with this plan">
                {subjects.map((a) => (
                  <SubjectRow key={`${a.subject_type}/${a.subject_id}`} a={a} onRemove={setRemoving} />
                ))}
              </ul>
            )}
          </section>
          <hr className="divider" />
          <AssignForm
            planId={plan.id}
            onAssigned={(label) => {
              setNotice(`${label} now has the plan ${plan.name}.`);
              detail.reload();
              onChanged();
            }}
          />
        </div>
      )}
      <ConfirmDialog
        open={removing !== undefined}
        title="Remove this assignment?"
        confirmLabel="Remove"
        busy={busy}
        onCancel={() => setRemoving(undefined)}
        onConfirm={() => void remove()}
      >
        <p>
          {removing?.subject_label ?? 'The subject'} falls back to the default limits of the configuration
          (gateway.limits.defaults) within a few seconds.
        </p>
      </ConfirmDialog>
    </Dialog>
  );
}
