/** A list of verification steps, each passed, failed or not applicable, with an explanation. */
import type { ReactNode } from 'react';
import { Icon } from '../Icon.js';

export interface Check {
  label: ReactNode;
  ok: boolean | undefined;
  detail?: ReactNode;
}

export function CheckList({ checks, label }: { checks: Check[]; label: string }) {
  return (
    <ul className="checks" aria-label={label}>
      {checks.map((check, i) => {
        const state = check.ok === undefined ? 'skip' : check.ok ? 'pass' : 'fail';
        return (
          // biome-ignore lint/suspicious/noArrayIndexKey: the list is fixed for one verification.
          <li key={i} className={`check check-${state}`}>
            <span className="check-icon" aria-hidden="true">
              {state === 'pass' ? (
                <Icon name="check" className="check-svg" />
              ) : state === 'fail' ? (
                <Icon name="cross" className="check-svg" />
              ) : (
                '–'
              )}
            </span>
            <span>
              <span className="visually-hidden">
                {state === 'pass' ? 'Passed: ' : state === 'fail' ? 'Failed: ' : 'Not checked: '}
              </span>
              {check.label}
              {check.detail && <span className="check-detail">{check.detail}</span>}
            </span>
          </li>
        );
      })}
    </ul>
  );
}
