/**
 * The shell of the audit log and receipts pages: a filter form (period first) kept in the address,
 * the problem with the last filters tried, the results list and the detail drawer of the open row.
 */
import { type FormEvent, type ReactNode, useEffect, useMemo, useState } from 'react';
import { ErrorAlert } from '../../components/Feedback.js';
import { Field } from '../../components/Field.js';
import { PageHeader } from '../../components/Page.js';
import { type CursorList, useCursorList } from '../../hooks/use-cursor-list.js';
import { useNavigate } from '../../router/router.js';
import { compact, localToIso, useUrlFilters } from './filters.js';

const PAGE = 50;

export interface FilteredList<K extends string, T> {
  /** The filter form as edited, not yet applied. */
  form: Record<K, string>;
  set(field: K): (value: string) => void;
  problem: string | undefined;
  submit(event: FormEvent): void;
  clear(): void;
  list: CursorList<T>;
  /** Opens the detail of one row, keeping the filters. */
  open(id: string): void;
  /** Closes the detail, keeping the filters. */
  close(): void;
}

/**
 * A list filtered at `base`: `check` turns the form into the filters to apply, or into the problem to
 * show instead; `load` fetches one page of results for the filters in force.
 */
export function useFilteredList<K extends string, T>({
  base,
  keys,
  check,
  load,
}: {
  base: string;
  keys: readonly ('from' | 'to' | K)[];
  check(form: Record<'from' | 'to' | K, string>): Record<'from' | 'to' | K, string> | string;
  load(
    query: Partial<Record<'from' | 'to' | K, string>> & { limit: number; cursor?: string },
  ): Promise<{ items: T[]; next_cursor: string | null }>;
}): FilteredList<'from' | 'to' | K, T> {
  type Key = 'from' | 'to' | K;
  const navigate = useNavigate();
  const filters = useUrlFilters<Key>(base, keys);
  const { applied } = filters;
  const [form, setForm] = useState(applied);
  const [problem, setProblem] = useState<string>();
  useEffect(() => setForm(applied), [applied]);
  const query = useMemo(
    () => compact({ ...applied, from: localToIso(applied.from), to: localToIso(applied.to) }),
    [applied],
  );
  const list = useCursorList<T>(
    (cursor) => load({ ...query, limit: PAGE, ...(cursor ? { cursor } : {}) }),
    [query],
  );
  return {
    form,
    set: (field) => (value) => setForm((f) => ({ ...f, [field]: value })),
    problem,
    submit(event) {
      event.preventDefault();
      const checked = check(form);
      if (typeof checked === 'string') {
        setProblem(checked);
        return;
      }
      setProblem(undefined);
      filters.apply(checked);
    },
    clear() {
      setProblem(undefined);
      filters.apply(Object.fromEntries(keys.map((k) => [k, ''])) as Record<Key, string>);
    },
    list,
    open: (id) => navigate(`${base}/${id}${filters.search}`, { keepScroll: true }),
    close: () => navigate(`${base}${filters.search}`, { keepScroll: true }),
  };
}

export function FilteredListPage<K extends string, T>({
  title,
  description,
  formLabel,
  state,
  fields,
  drawer,
  children,
}: {
  title: string;
  description: ReactNode;
  formLabel: string;
  state: FilteredList<'from' | 'to' | K, T>;
  /** The filter fields after the period. */
  fields: ReactNode;
  drawer: ReactNode;
  /** The results. */
  children: ReactNode;
}) {
  const { form, set } = state;
  return (
    <div className="page page-wide">
      <PageHeader title={title} description={description} />
      <form className="filters" onSubmit={state.submit} aria-label={formLabel}>
        <Field label="From">
          <input
            className="input"
            type="datetime-local"
            value={form.from}
            onChange={(e) => set('from')(e.target.value)}
          />
        </Field>
        <Field label="To">
          <input
            className="input"
            type="datetime-local"
            value={form.to}
            onChange={(e) => set('to')(e.target.value)}
          />
        </Field>
        {fields}
        <div className="filters-actions">
          <button type="submit" className="btn btn-primary">
            Apply
          </button>
          <button type="button" className="btn btn-ghost" onClick={state.clear}>
            Clear
          </button>
        </div>
      </form>
      <div className="stack">
        {state.problem && <ErrorAlert error={new Error(state.problem)} />}
        {children}
      </div>
      {drawer}
    </div>
  );
}
