/** The user's own usage: requests, tokens and latency over a period, by day and by model. */
import { useState } from 'react';
import { gateway } from '../../api/gateway.js';
import { BarList } from '../../components/charts/BarList.js';
import { DailyChart } from '../../components/charts/DailyChart.js';
import { ErrorAlert, Loading } from '../../components/Feedback.js';
import { Card, PageHeader, Stat } from '../../components/Page.js';
import { useResource } from '../../hooks/use-resource.js';
import { formatCompact, formatMs, formatNumber } from '../../lib/format.js';
import { dailyTokens, errorRate, PERIODS, periodOf, topByTokens } from '../../lib/usage.js';

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
        {byDay.data && (
          <Card>
            <DailyChart
              title="Tokens per day"
              series={['Prompt', 'Completion']}
              points={dailyTokens(byDay.data.data, byDay.data.from, byDay.data.to)}
            />
          </Card>
        )}
        {byModel.data && (
          <Card>
            <BarList
              title="Tokens by model"
              valueLabel="tokens"
              format={formatCompact}
              bars={topByTokens(byModel.data.data).map((r) => ({
                key: r.model ?? '',
                label: r.model ?? 'unknown',
                value: r.total_tokens,
                note: `${formatNumber(r.requests)} requests`,
              }))}
            />
          </Card>
        )}
      </div>
    </div>
  );
}
