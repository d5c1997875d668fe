/** Models: every model the gateway serves, its aliases, replicas and their health, usage and plan limits. */
import { useEffect, useState } from 'react';
import { type CatalogModel, models } from '../../api/models.js';
import { Dialog } from '../../components/Dialog.js';
import { Badge } from '../../components/Feedback.js';
import { PageHeader, Stat } from '../../components/Page.js';
import { ResultsTable, resourceRows } from '../../components/ResultsTable.js';
import { Time } from '../../components/Time.js';
import { useResource } from '../../hooks/use-resource.js';
import { formatCompact, formatMs, formatNumber } from '../../lib/format.js';
import { Link } from '../../router/router.js';
import { healthOf } from './BackendsPage.js';

/** The catalogue refreshes on its own while the page is open (replica health changes). */
const REFRESH_MS = 10_000;

const COLUMNS = [
  { label: 'Model' },
  { label: 'Status' },
  { label: 'Replicas' },
  { label: 'Requests (24 h)', numeric: true },
  { label: 'Tokens (24 h)', numeric: true },
  { label: 'Errors', numeric: true },
  { label: 'Latency', numeric: true },
  { label: 'Plan limits' },
  { label: 'Actions', hidden: true },
];

function statusOf(m: CatalogModel): { label: string; tone: 'success' | 'warning' | 'danger' } {
  if (!m.served) return { label: 'Not served', tone: 'danger' };
  return m.routable
    ? { label: 'Available', tone: 'success' }
    : { label: 'No healthy replica', tone: 'danger' };
}

const errorRate = (m: CatalogModel) =>
  m.usage_24h.requests > 0 ? `${((m.usage_24h.errors / m.usage_24h.requests) * 100).toFixed(1)} %` : '—';

function PlanSummary({ m }: { m: CatalogModel }) {
  const blocked = m.plans.filter((p) => p.access === 'blocked').length;
  const aliasOnly = m.plans.filter((p) => p.access === 'alias_only').length;
  if (blocked === 0 && aliasOnly === 0) return <span className="muted">every plan allows it</span>;
  return (
    <span className="row">
      {blocked > 0 && <Badge tone="warning">{blocked} blocking</Badge>}
      {aliasOnly > 0 && <Badge tone="info">{aliasOnly} alias only</Badge>}
    </span>
  );
}

const ACCESS = {
  allowed: { tone: 'success', text: 'allows it under every name' },
  alias_only: { tone: 'info', text: 'allows it only as' },
  blocked: { tone: 'warning', text: 'blocks it' },
} as const;

function ModelDrawer({ model, onClose }: { model: CatalogModel | undefined; onClose(): void }) {
  return (
    <Dialog open={model !== undefined} variant="drawer" title={model?.id ?? 'Model'} onClose={onClose}>
      {model && (
        <div className="stack">
          <dl className="dl">
            <dt>Status</dt>
            <dd>
              <Badge tone={statusOf(model).tone} dot>
                {statusOf(model).label}
              </Badge>
            </dd>
            <dt>Aliases</dt>
            <dd className="mono">{model.aliases.join(', ') || <span className="muted">none</span>}</dd>
          </dl>
          <section className="stack-sm" aria-labelledby="model-replicas">
            <h3 id="model-replicas">Replicas</h3>
            {model.replicas.length === 0 ? (
              <p className="muted">
                No replica serves this model: the alias points at a model no backend lists (gateway.aliases).
              </p>
            ) : (
              <ul className="plain-list">
                {model.replicas.map((r) => {
                  const health = healthOf(r);
                  return (
                    <li key={r.id} className="row-between">
                      <span>
                        <strong>{r.id}</strong> <span className="subtle mono">{r.url}</span>
                      </span>
                      <span className="row">
                        <span className="subtle">
                          {formatNumber(r.in_flight)} in flight · {formatMs(r.latency_ms)}
                        </span>
                        <Badge tone={health.tone} dot>
                          {health.label}
                        </Badge>
                      </span>
                    </li>
                  );
                })}
              </ul>
            )}
            <Link to="/admin/backends">Drain or enable replicas on the Backends page</Link>
          </section>
          <section className="stack-sm" aria-labelledby="model-usage">
            <h3 id="model-usage">Last 24 hours</h3>
            <dl className="dl">
              <dt>Requests</dt>
              <dd>
                {formatNumber(model.usage_24h.requests)}{' '}
                <span className="subtle">
                  ({formatNumber(model.usage_24h.errors)} errors, {formatNumber(model.usage_24h.cancelled)}{' '}
                  cancelled)
                </span>
              </dd>
              <dt>Tokens</dt>
              <dd>
                {formatNumber(model.usage_24h.prompt_tokens)} prompt +{' '}
                {formatNumber(model.usage_24h.completion_tokens)} completion
              </dd>
              <dt>Latency</dt>
              <dd>
                {formatMs(model.usage_24h.avg_latency_ms)} average, first token after{' '}
                {formatMs(model.usage_24h.avg_ttft_ms)}
              </dd>
              <dt>By name</dt>
              <dd>
                {model.usage_24h.by_name.length === 0
                  ? 'no calls'
                  : model.usage_24h.by_name.map((u) => `${u.name}: ${formatNumber(u.requests)}`).join(' · ')}
              </dd>
            </dl>
          </section>
          <section className="stack-sm" aria-labelledby="model-plans">
            <h3 id="model-plans">Quota plans with a model list</h3>
            {model.plans.length === 0 ? (
              <p className="muted">No plan limits models: everyone with access to the gateway may use it.</p>
            ) : (
              <ul className="plain-list">
                {model.plans.map((p) => (
                  <li key={p.id} className="row">
                    <strong>{p.name}</strong>
                    <Badge tone={ACCESS[p.access].tone}>{ACCESS[p.access].text}</Badge>
                    {p.access === 'alias_only' && <span className="mono">{p.allowed_names.join(', ')}</span>}
                  </li>
                ))}
              </ul>
            )}
            <Link to="/admin/quotas">Change plans on the Quota plans page</Link>
          </section>
        </div>
      )}
    </Dialog>
  );
}

export function ModelsPage() {
  const catalog = useResource(() => models.catalog(), []);
  const [selected, setSelected] = useState<string>();
  const { reload } = catalog;
  useEffect(() => {
    const timer = window.setInterval(reload, REFRESH_MS);
    return () => window.clearInterval(timer);
  }, [reload]);
  const list = catalog.data?.data ?? [];
  const totals = list.reduce(
    (t, m) => ({ requests: t.requests + m.usage_24h.requests, tokens: t.tokens + m.usage_24h.total_tokens }),
    { requests: 0, tokens: 0 },
  );
  return (
    <div className="page page-wide">
      <PageHeader
        title="Models"
        description="Every model the gateway serves or an alias points at, with the replicas serving it, calls of the last 24 hours and the quota plans that restrict it. Refreshes every 10 seconds."
      />
      <div className="stack">
        {catalog.data && (
          <div className="stats">
            <Stat
              label="Models"
              value={formatNumber(list.filter((m) => m.served).length)}
              note={`${list.filter((m) => m.routable).length} available`}
            />
            <Stat label="Aliases" value={formatNumber(list.reduce((n, m) => n + m.aliases.length, 0))} />
            <Stat label="Requests, 24 h" value={formatNumber(totals.requests)} />
            <Stat label="Tokens, 24 h" value={formatCompact(totals.tokens)} />
          </div>
        )}
        <ResultsTable
          columns={COLUMNS}
          {...resourceRows(catalog, (d) => d.data)}
          label="Models"
          empty={{
            title: 'No model is served',
            hint: 'Add vLLM servers under gateway.backends in the configuration.',
          }}
          renderRow={(m) => {
            const status = statusOf(m);
            const healthy = m.replicas.filter((r) => r.routable).length;
            return (
              <tr key={m.id} aria-selected={m.id === selected}>
                <td>
                  <div className="cell-title mono nowrap">{m.id}</div>
                  {m.aliases.length > 0 && <div className="cell-sub">alias {m.aliases.join(', ')}</div>}
                </td>
                <td>
                  <Badge tone={status.tone} dot>
                    {status.label}
                  </Badge>
                </td>
                <td>
                  {m.replicas.length === 0 ? (
                    <span className="muted">none</span>
                  ) : (
                    <>
                      {healthy} of {m.replicas.length} healthy
                      <div className="cell-sub">
                        checked <Time value={m.replicas[0]?.last_check_at} relative />
                      </div>
                    </>
                  )}
                </td>
                <td className="num">{formatNumber(m.usage_24h.requests)}</td>
                <td className="num">{formatCompact(m.usage_24h.total_tokens)}</td>
                <td className="num">{errorRate(m)}</td>
                <td className="num">{formatMs(m.usage_24h.avg_latency_ms)}</td>
                <td>
                  <PlanSummary m={m} />
                </td>
                <td className="actions">
                  <button
                    type="button"
                    className="btn btn-sm"
                    onClick={() => setSelected(m.id)}
                    aria-label={`Details of ${m.id}`}
                  >
                    Details
                  </button>
                </td>
              </tr>
            );
          }}
        />
      </div>
      <ModelDrawer model={list.find((m) => m.id === selected)} onClose={() => setSelected(undefined)} />
    </div>
  );
}
