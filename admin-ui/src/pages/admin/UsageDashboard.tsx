/** Admin usage dashboard: the whole appliance's calls and tokens by day, team, user and model. */
import { useState } from 'react';
import { gateway, type UsageDimension, type UsageRow } from '../../api/gateway.js';
import { identity } from '../../api/identity.js';
import { BarList } from '../../components/charts/BarList.js';
import { DailyChart } from '../../components/charts/DailyChart.js';
import { ErrorAlert, Loading } from '../../components/Feedback.js';
import { Card, PageHeader, Stat } from '../../components/Page.js';
import { useResource } from '../../hooks/use-resource.js';
import { formatCompact, formatMs, formatNumber, shortId } from '../../lib/format.js';
import { dailyTokens, errorRate, periodOf, topByTokens } from '../../lib/usage.js';
import { PeriodPicker } from '../workspace/UsagePage.js';

/** Names for the ids usage rows carry (users and teams the admin may list). */
function useNames() {
  return useResource(async () => {
    const [users, teams] = await Promise.all([identity.users({ limit: 200 }), identity.teams()]);
    return {
      users: new Map(users.users.map((u) => [u.id, u.name || u.email])),
      teams: new Map(teams.teams.map((t) => [t.id, t.name])),
    };
  }, []);
}

export function UsageDashboard() {
  const [days, setDays] = useState(30);
  const period = periodOf(days);
  const query = (dimension: UsageDimension) => () => gateway.usage({ ...period, group_by: [dimension] });
  const byDay = useResource(query('day'), [days]);
  const byTeam = useResource(query('team'), [days]);
  const byUser = useResource(query('user'), [days]);
  const byModel = useResource(query('model'), [days]);
  const names = useNames();
  const totals = byDay.data?.totals;

  const bars = (rows: UsageRow[] | undefined, label: (r: UsageRow) => string, key: (r: UsageRow) => string) =>
    topByTokens(rows ?? []).map((r) => ({
      key: key(r),
      label: label(r),
      value: r.total_tokens,
      note: `${formatNumber(r.requests)} requests`,
    }));

  return (
    <div className="page">
      <PageHeader
        title="Usage"
        description="Calls and tokens through the gateway across the appliance, from the daily rollup (UTC days)."
        actions={<PeriodPicker days={days} onChange={setDays} />}
      />
      <div className="stack">
        <ErrorAlert error={byDay.error ?? byTeam.error ?? byUser.error ?? byModel.error} />
        {!totals && byDay.loading && <Loading />}
        {totals && (
          <div className="stats">
            <Stat
              label="Requests"
              value={formatNumber(totals.requests)}
              note={`${formatNumber(totals.cancelled)} cancelled`}
            />
            <Stat
              label="Error rate"
              value={errorRate(totals.requests, totals.errors)}
              note={`${formatNumber(totals.errors)} failed`}
            />
            <Stat
              label="Tokens"
              value={formatCompact(totals.total_tokens)}
              note={`${formatCompact(totals.prompt_tokens)} in · ${formatCompact(totals.completion_tokens)} out`}
            />
            <Stat
              label="Average latency"
              value={formatMs(totals.avg_latency_ms)}
              note={`first token ${formatMs(totals.avg_ttft_ms)}`}
            />
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
        <div className="grid-2">
          <Card>
            <BarList
              title="Tokens by team"
              valueLabel="tokens"
              format={formatCompact}
              bars={bars(
                byTeam.data?.data,
                (r) => (r.team_id ? (names.data?.teams.get(r.team_id) ?? shortId(r.team_id)) : 'No team'),
                (r) => r.team_id ?? '',
              )}
            />
          </Card>
          <Card>
            <BarList
              title="Tokens by model"
              valueLabel="tokens"
              format={formatCompact}
              bars={bars(
                byModel.data?.data,
                (r) => r.model ?? 'unknown',
                (r) => r.model ?? '',
              )}
            />
          </Card>
        </div>
        <Card>
          <BarList
            title="Top users by tokens"
            valueLabel="tokens"
            format={formatCompact}
            bars={bars(
              byUser.data?.data,
              (r) => (r.user_id ? (names.data?.users.get(r.user_id) ?? shortId(r.user_id)) : 'unknown'),
              (r) => r.user_id ?? '',
            )}
          />
        </Card>
      </div>
    </div>
  );
}
