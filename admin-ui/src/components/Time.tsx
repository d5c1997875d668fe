import { formatDateTime, formatRelative } from '../lib/format.js';

/** A point in time: relative on screen, exact in the tooltip and the machine-readable attribute. */
export function Time({
  value,
  relative = false,
}: {
  value: string | number | null | undefined;
  relative?: boolean;
}) {
  if (value === null || value === undefined || value === '') return <span className="muted">—</span>;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return <span className="muted">—</span>;
  return (
    <time dateTime={date.toISOString()} title={formatDateTime(date)}>
      {relative ? formatRelative(date) : formatDateTime(date)}
    </time>
  );
}
