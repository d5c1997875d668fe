/** The user's own usage: requests, tokens and latency over a period, by day and by model. */
import { useState } from 'react';
import { gateway } from '../../api/gateway.js';
import { DailyTokensCard, TopTokensCard } from '../../components/charts/UsageCards.js';
import { ErrorAlert, Loading } from '../../components/Feedback.js';
import { PageHeader, Stat } from '../../components/Page.js';
import { useResource } from '../../hooks/use-resource.js';
import { formatCompact, formatMs, formatNumber } from '../../lib/format.js';
import { errorRate, PERIODS, periodOf } from '../../lib/usage.js';

export function PeriodPicker({ days, onChange }: { days: number; onChange(days: number): void }) {
  return (
    <fieldset className="segmented">
      <legend className="visually-hidden">Period</legend>
      {PERIODS.map((p) => (
        <button key={p.days} type="button" aria-pressed={days === p.days} onClick={() => onChange(p.days)}>
          {p.label}
        </button>
      ))}
    </fieldset>
  );
}

export function UsagePage() {
  const [days, setDays] = useState(30);
  const period = periodOf(days);
  const byDay = useResource(() => gateway.ownUsage({ ...period, group_by: ['day'] }), [days]);
  const byModel = useResource(() => gateway.ownUsage({ ...period, group_by: ['model'] }), [days]);
  const totals = byDay.data?.totals;

  return (
    <div className="page">
      <PageHeader
        title="My usage"
        description="Your calls through the gateway: chat here, and tools using your API keys. Days are UTC."
        actions={<PeriodPicker days={days} onChange={setDays} />}
      />
      <div className="stack">
        <ErrorAlert error={byDay.error ?? byModel.error} />
        {!totals && byDay.loading && <Loading />}
        {totals && (
          <div className="stats">
            <Stat
              label="Requests"
              value={formatNumber(totals.requests)}
              note={`${errorRate(totals.requests, totals.errors)} failed`}
            />
            <Stat
              label="Tokens"
              value={formatCompact(totals.total_tokens)}
              note={`${formatNumber(totals.prompt_tokens)} in · ${formatNumber(totals.completion_tokens)} out`}
            />
            <Stat label="Average latency" value={formatMs(totals.avg_latency_ms)} />
            <Stat label="Time to first token" value={formatMs(totals.avg_ttft_ms)} />
          </div>
        )}
        {byDay.data && <DailyTokensCard usage={byDay.data} />}
        {byModel.data && (
          <TopTokensCard
            title="Tokens by model"
            rows={byModel.data.data}
            label={(r) => r.model ?? 'unknown'}
            rowKey={(r) => r.model ?? ''}
          />
        )}
      </div>
    </div>
  );
}
