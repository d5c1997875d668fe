/** Model backends: health, latency and load of every replica; drain one out of rotation and back. */
import { type FormEvent, useEffect, useState } from 'react';
import { type BackendView, gateway } from '../../api/gateway.js';
import { Alert, Badge, ErrorAlert } from '../../components/Feedback.js';
import { Field } from '../../components/Field.js';
import { FormDialog } from '../../components/FormDialog.js';
import { PageHeader, Stat } from '../../components/Page.js';
import { ResultsTable, resourceRows } from '../../components/ResultsTable.js';
import { Time } from '../../components/Time.js';
import { useAction } from '../../hooks/use-action.js';
import { useResource } from '../../hooks/use-resource.js';
import { formatMs, formatNumber } from '../../lib/format.js';

const BACKEND_COLUMNS = [
  { label: 'Replica' },
  { label: 'Health' },
  { label: 'Models' },
  { label: 'In flight', numeric: true },
  { label: 'Latency', numeric: true },
  { label: 'Probe', numeric: true },
  { label: 'Last check' },
  { label: 'Actions', hidden: true },
];

/** The health view refreshes on its own while the page is open. */
const REFRESH_MS = 5000;

export function healthOf(b: Pick<BackendView, 'drained' | 'up' | 'circuit' | 'routable'>): {
  label: string;
  tone: 'success' | 'warning' | 'danger' | 'info';
} {
  if (b.drained) return { label: 'Drained', tone: 'info' };
  if (!b.up) return { label: 'Down', tone: 'danger' };
  if (b.circuit === 'open') return { label: 'Circuit open', tone: 'danger' };
  if (b.circuit === 'half_open') return { label: 'Recovering', tone: 'warning' };
  return b.routable ? { label: 'Healthy', tone: 'success' } : { label: 'Not routable', tone: 'warning' };
}

function DrainDialog({
  target,
  onClose,
  onDone,
}: {
  target: BackendView | undefined;
  onClose(): void;
  onDone(): void;
}) {
  const [reason, setReason] = useState('');
  const { busy, error, run } = useAction();
  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!target) return;
    await run(async () => {
      await gateway.drain(target.id, reason.trim());
      setReason('');
      onDone();
    });
  }
  return (
    <FormDialog
      open={target !== undefined}
      title={`Drain ${target?.id ?? ''}?`}
      onClose={onClose}
      formId="drain-form"
      onSubmit={submit}
      noValidate={false}
      submitLabel="Drain"
      tone="danger"
      busy={busy}
    >
      <p>New requests stop going to this replica on every appliance replica; requests in flight finish.</p>
      <ErrorAlert error={error} title="The backend was not drained" />
      <Field label="Reason" hint="Recorded in the audit trail, e.g. “GPU driver upgrade”.">
        <input className="input" value={reason} maxLength={500} onChange={(e) => setReason(e.target.value)} />
      </Field>
    </FormDialog>
  );
}

export function BackendsPage() {
  const backends = useResource(() => gateway.backends(), []);
  const [draining, setDraining] = useState<BackendView>();
  const [error, setError] = useState<unknown>();
  const [notice, setNotice] = useState<string>();
  const { reload } = backends;

  useEffect(() => {
    const timer = window.setInterval(reload, REFRESH_MS);
    return () => window.clearInterval(timer);
  }, [reload]);

  async function enable(b: BackendView) {
    setError(undefined);
    try {
      await gateway.enable(b.id);
      setNotice(`${b.id} is back in rotation.`);
      reload();
    } catch (err) {
      setError(err);
    }
  }

  const list = backends.data?.data ?? [];
  const healthy = list.filter((b) => healthOf(b).tone === 'success').length;
  return (
    <div className="page">
      <PageHeader
        title="Backends"
        description="The vLLM replicas behind the gateway, as this appliance replica sees them. Refreshes every 5 seconds."
      />
      <div className="stack">
        {notice && <Alert tone="success">{notice}</Alert>}
        <ErrorAlert error={error ?? backends.error} />
        {backends.data && (
          <div className="stats">
            <Stat label="Replicas" value={formatNumber(list.length)} note={`${healthy} healthy`} />
            <Stat label="In flight" value={formatNumber(list.reduce((n, b) => n + b.in_flight, 0))} />
            <Stat label="Models" value={formatNumber(new Set(list.flatMap((b) => b.models)).size)} />
          </div>
        )}
        <ResultsTable
          columns={BACKEND_COLUMNS}
          {...resourceRows(backends, (d) => d.data)}
          error={undefined}
          label="Backends"
          empty={{
            title: 'No backends configured',
            hint: 'Add vLLM servers under gateway.backends in the configuration.',
          }}
          renderRow={(b) => {
            const health = healthOf(b);
            return (
              <tr key={b.id}>
                <td>
                  <div className="cell-title">{b.id}</div>
                  <div className="cell-sub mono">{b.url}</div>
                  {b.last_error && <div className="cell-sub">{b.last_error}</div>}
                </td>
                <td>
                  <Badge tone={health.tone} dot>
                    {health.label}
                  </Badge>
                </td>
                <td className="mono">{b.models.join(', ') || '—'}</td>
                <td className="num">
                  {formatNumber(b.in_flight)}
                  {b.max_concurrency > 0 && <span className="subtle"> / {b.max_concurrency}</span>}
                </td>
                <td className="num">{formatMs(b.latency_ms)}</td>
                <td className="num">{formatMs(b.probe_ms)}</td>
                <td>
                  <Time value={b.last_check_at} relative />
                </td>
                <td className="actions">
                  {b.drained ? (
                    <button
                      type="button"
                      className="btn btn-sm"
                      onClick={() => void enable(b)}
                      aria-label={`Enable ${b.id}`}
                    >
                      Enable
                    </button>
                  ) : (
                    <button
                      type="button"
                      className="btn btn-sm"
                      onClick={() => setDraining(b)}
                      aria-label={`Drain ${b.id}`}
                    >
                      Drain
                    </button>
                  )}
                </td>
              </tr>
            );
          }}
        />
      </div>
      <DrainDialog
        target={draining}
        onClose={() => setDraining(undefined)}
        onDone={() => {
          setNotice(`${draining?.id ?? 'The backend'} is drained: no new requests go to it.`);
          setDraining(undefined);
          reload();
        }}
      />
    </div>
  );
}
