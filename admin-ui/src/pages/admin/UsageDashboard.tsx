/** Admin usage dashboard: the whole appliance's calls and tokens by day, team, user and model. */
import { useState } from 'react';
import { gateway, type UsageDimension } from '../../api/gateway.js';
import { identity } from '../../api/identity.js';
import { DailyTokensCard, TopTokensCard } from '../../components/charts/UsageCards.js';
import { ErrorAlert, Loading } from '../../components/Feedback.js';
import { PageHeader, Stat } from '../../components/Page.js';
import { useResource } from '../../hooks/use-resource.js';
import { formatCompact, formatMs, formatNumber, shortId } from '../../lib/format.js';
import { errorRate, periodOf } from '../../lib/usage.js';
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
        {byDay.data && <DailyTokensCard usage={byDay.data} />}
        <div className="grid-2">
          <TopTokensCard
            title="Tokens by team"
            rows={byTeam.data?.data}
            label={(r) => (r.team_id ? (names.data?.teams.get(r.team_id) ?? shortId(r.team_id)) : 'No team')}
            rowKey={(r) => r.team_id ?? ''}
          />
          <TopTokensCard
            title="Tokens by model"
            rows={byModel.data?.data}
            label={(r) => r.model ?? 'unknown'}
            rowKey={(r) => r.model ?? ''}
          />
        </div>
        <TopTokensCard
          title="Top users by tokens"
          rows={byUser.data?.data}
          label={(r) => (r.user_id ? (names.data?.users.get(r.user_id) ?? shortId(r.user_id)) : 'unknown')}
          rowKey={(r) => r.user_id ?? ''}
        />
      </div>
    </div>
  );
}
