/** Horizontal bars ranking items (tokens by team, user or model), drawn as SVG, with a data table for screen readers. */
import { useId } from 'react';
import { useWidth } from '../../hooks/use-width.js';

export interface Bar {
  key: string;
  label: string;
  value: number;
  note?: string;
}

const ROW = 30;
const VALUE_W = 72;

const truncate = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

export function BarList({
  title,
  bars,
  format,
  valueLabel,
  empty = 'No data for this period.',
}: {
  title: string;
  bars: Bar[];
  format(n: number): string;
  valueLabel: string;
  empty?: string;
}) {
  const id = useId();
  const [ref, width] = useWidth<HTMLElement>(640);
  const labelW = Math.min(200, Math.round(width * 0.32));
  const max = Math.max(1, ...bars.map((b) => b.value));
  const height = Math.max(ROW, bars.length * ROW);
  const track = width - labelW - VALUE_W;
  return (
    <figure className="chart" aria-labelledby={`${id}-title`} ref={ref}>
      <figcaption id={`${id}-title`} className="chart-title">
        {title}
      </figcaption>
      {bars.length === 0 ? (
        <p className="muted chart-empty">{empty}</p>
      ) : (
        <svg
          viewBox={`0 0 ${width} ${height}`}
          className="chart-svg"
          role="img"
          aria-label={`${title}: bar chart`}
        >
          {bars.map((bar, i) => {
            const y = i * ROW;
            const w = Math.max(2, (bar.value / max) * track);
            return (
              <g key={bar.key}>
                <title>{`${bar.label}: ${format(bar.value)} ${valueLabel}${bar.note ? ` (${bar.note})` : ''}`}</title>
                <text x={0} y={y + ROW / 2 + 4} className="chart-label">
                  {truncate(bar.label, Math.floor(labelW / 7.5))}
                </text>
                <rect x={labelW} y={y + 7} width={track} height={ROW - 14} rx={3} className="chart-track" />
                <rect
                  x={labelW}
                  y={y + 7}
                  width={w}
                  height={ROW - 14}
                  rx={3}
                  className={`series-${(i % 6) + 1}`}
                />
                <text x={width} y={y + ROW / 2 + 4} className="chart-value" textAnchor="end">
                  {format(bar.value)}
                </text>
              </g>
            );
          })}
        </svg>
      )}
      {bars.length > 0 && (
        <table className="visually-hidden">
          <caption>{title}</caption>
          <tbody>
            {bars.map((bar) => (
              <tr key={bar.key}>
                <th scope="row">{bar.label}</th>
                <td>
                  {format(bar.value)} {valueLabel}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </figure>
  );
}
