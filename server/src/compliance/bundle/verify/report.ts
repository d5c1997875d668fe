/** The result of verifying a bundle: named checks, each passed or failed with specific messages. */

/** Messages kept per check; further ones are only counted, so a bad bundle of any size reports in flat memory. */
const MAX_MESSAGES = 50;

/** One named check of the report. */
export class Check {
  ok = true;
  readonly errors: string[] = [];
  /** Errors beyond MAX_MESSAGES. */
  more = 0;
  /** What passed, for the report ("120 inclusion proofs verify"). */
  readonly notes: string[] = [];

  constructor(readonly name: string) {}

  fail(message: string): void {
    this.ok = false;
    if (this.errors.length < MAX_MESSAGES) this.errors.push(message);
    else this.more++;
  }

  note(message: string): void {
    this.notes.push(message);
  }
}

/** Everything `aila verify-bundle` reports. */
export interface BundleReport {
  file: string;
  exportId: string | undefined;
  valid: boolean;
  checks: Check[];
}

/** The checks of a report, created on first use, in a stable order. */
export class Checks {
  readonly #checks = new Map<string, Check>();

  get(name: string): Check {
    let check = this.#checks.get(name);
    if (check === undefined) {
      check = new Check(name);
      this.#checks.set(name, check);
    }
    return check;
  }

  list(): Check[] {
    return [...this.#checks.values()];
  }
}

/** The human-readable report. */
export function formatReport(report: BundleReport): string {
  const out = [`bundle: ${report.file}${report.exportId ? ` (export ${report.exportId})` : ''}`];
  for (const check of report.checks) {
    out.push(
      `${check.ok ? 'ok    ' : 'FAILED'}  ${check.name}${check.notes.length ? `: ${check.notes.join('; ')}` : ''}`,
    );
    for (const error of check.errors) out.push(`        - ${error}`);
    if (check.more > 0) out.push(`        - ... and ${check.more} more`);
  }
  out.push(report.valid ? 'VALID' : 'INVALID');
  return `${out.join('\n')}\n`;
}

/** The report as JSON. */
export function reportJson(report: BundleReport): Record<string, unknown> {
  return {
    file: report.file,
    export_id: report.exportId ?? null,
    valid: report.valid,
    checks: report.checks.map((c) => ({
      name: c.name,
      ok: c.ok,
      notes: c.notes,
      errors: c.errors,
      more_errors: c.more,
    })),
  };
}
