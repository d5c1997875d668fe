/**
 * The appliance's two transparency logs (EVIDENCE.md §2) and their origins.
 */

/** Names of the logs; also their path segment under `/log/`. */
export const LOG_NAMES = ['receipts', 'audit'] as const;
export type LogName = (typeof LOG_NAMES)[number];

/** Row id of each log in `evidence_logs` (and the `log` column of every log table). */
export const LOG_IDS: Readonly<Record<LogName, number>> = { receipts: 1, audit: 2 };

/** A log with its configured origin. */
export interface LogDescriptor {
  name: LogName;
  id: number;
  /** Checkpoint origin line and signed-note key name (EVIDENCE.md §2.1). */
  origin: string;
}

/** True for `receipts` and `audit`. */
export function isLogName(value: unknown): value is LogName {
  return typeof value === 'string' && (LOG_NAMES as readonly string[]).includes(value);
}

/**
 * The origins: configured ones, else `<host of publicUrl>/ai-la/<name>` (EVIDENCE.md §2; the
 * c2sp.org/tlog-tiles recommendation of a URL prefix without scheme).
 */
export function resolveLogs(
  configured: { receipts?: string | undefined; audit?: string | undefined },
  publicUrl: string,
): Record<LogName, LogDescriptor> {
  const host = new URL(publicUrl).host;
  const origin = (name: LogName) => configured[name] ?? `${host}/ai-la/${name}`;
  return {
    receipts: { name: 'receipts', id: LOG_IDS.receipts, origin: origin('receipts') },
    audit: { name: 'audit', id: LOG_IDS.audit, origin: origin('audit') },
  };
}
