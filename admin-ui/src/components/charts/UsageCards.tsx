/** The cards the usage pages share: tokens per day, and the largest consumers of tokens. */
import type { UsageAnswer, UsageRow } from '../../api/gateway.js';
import { formatCompact, formatNumber } from '../../lib/format.js';
import { dailyTokens, topByTokens } from '../../lib/usage.js';
import { Card } from '../Page.js';
import { BarList } from './BarList.js';
import { DailyChart } from './DailyChart.js';

export function DailyTokensCard({ usage }: { usage: UsageAnswer }) {
  return (
    <Card>
      <DailyChart
        title="Tokens per day"
        series={['Prompt', 'Completion']}
        points={dailyTokens(usage.data, usage.from, usage.to)}
      />
    </Card>
  );
}

/** The rows with the most tokens, with their request counts. */
export function TopTokensCard({
  title,
  rows,
  label,
  rowKey,
}: {
  title: string;
  rows: UsageRow[] | undefined;
  label(row: UsageRow): string;
  rowKey(row: UsageRow): string;
}) {
  return (
    <Card>
      <BarList
        title={title}
        valueLabel="tokens"
        format={formatCompact}
        bars={topByTokens(rows ?? []).map((r) => ({
          key: rowKey(r),
          label: label(r),
          value: r.total_tokens,
          note: `${formatNumber(r.requests)} requests`,
        }))}
      />
    </Card>
  );
}
