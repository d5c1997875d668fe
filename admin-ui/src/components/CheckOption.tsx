/** One checkbox of a list: its title and, when given, a hint under it. */
import type { ReactNode } from 'react';

export interface CheckOptionProps {
  checked: boolean;
  onChange(): void;
  title: ReactNode;
  hint?: ReactNode;
  /** The input's form name. */
  name?: string;
  /** The title in the monospace face (model names, operation codes). */
  mono?: boolean;
}

export function CheckOption({ checked, onChange, title, hint, name, mono }: CheckOptionProps) {
  const titleClass = mono ? 'checkbox-title mono' : 'checkbox-title';
  return (
    <label className="checkbox">
      <input type="checkbox" name={name} checked={checked} onChange={onChange} />
      {hint === undefined ? (
        <span className={titleClass}>{title}</span>
      ) : (
        <span>
          <span className={titleClass}>{title}</span>
          <span className="checkbox-hint">{hint}</span>
        </span>
      )}
    </label>
  );
}
