/** The findings of an analysis: counts by severity, a severity filter, and the table by severity or by file. */
import { useMemo, useState } from 'react';
import { type Analysis, type Finding, SEVERITIES, type Severity } from '../../../api/assistant.js';
import { Badge, EmptyState } from '../../../components/Feedback.js';
import { formatNumber } from '../../../lib/format.js';

const TONE: Record<Severity, 'danger' | 'warning' | 'info' | 'neutral'> = {
  critical: 'danger',
  high: 'danger',
  medium: 'warning',
  low: 'info',
  info: 'neutral',
};

export const SeverityBadge = ({ severity }: { severity: Severity }) => (
  <Badge tone={TONE[severity]} dot>
    {severity}
  </Badge>
);

type Order = 'severity' | 'file';

function ordered(findings: Finding[], order: Order): Finding[] {
  if (order === 'severity') return findings; // The server sorts by severity, then file and line.
  return [...findings].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line));
}

export function FindingsTable({ analysis }: { analysis: Analysis }) {
  const [shown, setShown] = useState<Severity | 'all'>('all');
  const [order, setOrder] = useState<Order>('severity');
  const rows = useMemo(
    () =>
      ordered(
        analysis.findings.filter((f) => shown === 'all' || f.severity === shown),
        order,
      ),
    [analysis, shown, order],
  );
  return (
    <div className="stack">
      <div className="row-between">
        <fieldset className="segmented">
          <legend className="visually-hidden">Severity</legend>
          <button type="button" aria-pressed={shown === 'all'} onClick={() => setShown('all')}>
            All {formatNumber(analysis.findings.length)}
          </button>
          {SEVERITIES.map((s) => (
            <button key={s} type="button" aria-pressed={shown === s} onClick={() => setShown(s)}>
              {s} {formatNumber(analysis.counts[s] ?? 0)}
            </button>
          ))}
        </fieldset>
        <label className="row">
          <span className="field-label">Order by</span>
          <select className="select" value={order} onChange={(e) => setOrder(e.target.value as Order)}>
            <option value="severity">Severity</option>
            <option value="file">File</option>
          </select>
        </label>
      </div>
      {rows.length === 0 ? (
        <EmptyState title="No finding">
          {analysis.findings.length === 0 ? 'The review found nothing to report.' : 'None of this severity.'}
        </EmptyState>
      ) : (
        <div className="table-wrap">
          <table className="table findings">
            <caption className="visually-hidden">Findings</caption>
            <thead>
              <tr>
                <th scope="col">Severity</th>
                <th scope="col">Where</th>
                <th scope="col">Category</th>
                <th scope="col">Finding</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((f) => (
                <tr key={`${f.file}:${f.line}:${f.message}`}>
                  <td>
                    <SeverityBadge severity={f.severity} />
                  </td>
                  <td className="mono nowrap">
                    {f.file}:{f.line}
                  </td>
                  <td>{f.category}</td>
                  <td>
                    <div className="cell-title">{f.message}</div>
                    <div className="cell-sub">{f.suggestion}</div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
