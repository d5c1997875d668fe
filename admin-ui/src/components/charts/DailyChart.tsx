/** Stacked daily columns (prompt and completion tokens per UTC day) with a y axis, drawn as SVG. */
import { useId } from 'react';
import { useWidth } from '../../hooks/use-width.js';
import { formatCompact, formatDay, formatNumber } from '../../lib/format.js';

export interface DayPoint {
  day: string;
  values: number[];
}

const HEIGHT = 240;
const LEFT = 48;
const BOTTOM = 26;
const TOP = 10;

/** A "nice" upper bound for the axis: 1, 2 or 5 times a power of ten. */
export function niceMax(value: number): number {
  if (value <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  const step = [1, 2, 5, 10].find((m) => m * power >= value) ?? 10;
  return step * power;
}

export function DailyChart({
  title,
  series,
  points,
}: {
  title: string;
  series: string[];
  points: DayPoint[];
}) {
  const id = useId();
  const [ref, width] = useWidth<HTMLElement>(760);
  const totals = points.map((p) => p.values.reduce((a, b) => a + b, 0));
  const max = niceMax(Math.max(0, ...totals));
  const plotH = HEIGHT - TOP - BOTTOM;
  const plotW = width - LEFT;
  const slot = plotW / Math.max(1, points.length);
  const barW = Math.max(2, Math.min(28, slot * 0.7));
  const labelEvery = Math.ceil(points.length / Math.max(2, Math.floor(plotW / 64)));
  const ticks = [0, max / 2, max];
  return (
    <figure className="chart" aria-labelledby={`${id}-title`} ref={ref}>
      <div className="row-between">
        <figcaption id={`${id}-title`} className="chart-title">
          {title}
        </figcaption>
        <ul className="legend" aria-label="Legend">
          {series.map((name, i) => (
            <li key={name}>
              <svg viewBox="0 0 10 10" className="legend-swatch" aria-hidden="true">
                <rect width="10" height="10" rx="2" className={`series-${i + 1}`} />
              </svg>
              {name}
            </li>
          ))}
        </ul>
      </div>
      <svg
        viewBox={`0 0 ${width} ${HEIGHT}`}
        className="chart-svg"
        role="img"
        aria-label={`${title}: column chart by day`}
      >
        {ticks.map((t) => {
          const y = TOP + plotH - (t / max) * plotH;
          return (
            <g key={t}>
              <line x1={LEFT} x2={width} y1={y} y2={y} className="chart-grid" />
              <text x={LEFT - 8} y={y + 4} textAnchor="end" className="chart-axis">
                {formatCompact(t)}
              </text>
            </g>
          );
        })}
        {points.map((p, i) => {
          const x = LEFT + i * slot + (slot - barW) / 2;
          let y = TOP + plotH;
          return (
            <g key={p.day}>
              <title>{`${formatDay(p.day)}: ${p.values.map((v, s) => `${series[s]} ${formatNumber(v)}`).join(', ')}`}</title>
              {p.values.map((v, s) => {
                const h = (v / max) * plotH;
                y -= h;
                return (
                  <rect
                    key={series[s] ?? s}
                    x={x}
                    y={y}
                    width={barW}
                    height={Math.max(0, h)}
                    className={`series-${s + 1}`}
                  />
                );
              })}
              {i % labelEvery === 0 && (
                <text x={x + barW / 2} y={HEIGHT - 8} textAnchor="middle" className="chart-axis">
                  {formatDay(p.day)}
                </text>
              )}
            </g>
          );
        })}
      </svg>
      <table className="visually-hidden">
        <caption>{title}</caption>
        <thead>
          <tr>
            <th scope="col">Day</th>
            {series.map((s) => (
              <th key={s} scope="col">
                {s}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {points.map((p) => (
            <tr key={p.day}>
              <th scope="row">{p.day}</th>
              {p.values.map((v, s) => (
                <td key={series[s] ?? s}>{formatNumber(v)}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
