/** Filter forms of the audit and receipts pages, kept in the address so a view can be linked and reloaded. */
import { useMemo } from 'react';
import { useLocation, useNavigate, useSearchParams } from '../../router/router.js';

/** `<input type="datetime-local">` value (local time) as RFC 3339 UTC, or undefined when empty. */
export function localToIso(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/** Leaves out empty filter values. */
export function compact<T extends Record<string, string | undefined>>(values: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(values).filter(([, v]) => v !== undefined && v !== ''),
  ) as Partial<T>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (value: string): boolean => UUID.test(value.trim());

export interface UrlFilters<K extends string> {
  /** The filters in force (from the address). */
  applied: Record<K, string>;
  /** Puts new filters in the address (a new history entry) and closes any open detail. */
  apply(values: Record<K, string>): void;
  /** `?…` of the filters in force, for links that keep them. */
  search: string;
}

/** Filters of a list page at `base`, read from and written to the query string. */
export function useUrlFilters<K extends string>(base: string, keys: readonly K[]): UrlFilters<K> {
  const params = useSearchParams();
  const { search } = useLocation();
  const navigate = useNavigate();
  // biome-ignore lint/correctness/useExhaustiveDependencies: `keys` is a constant of the page.
  const applied = useMemo(
    () => Object.fromEntries(keys.map((k) => [k, params.get(k) ?? ''])) as Record<K, string>,
    [params],
  );
  return {
    applied,
    search,
    apply(values) {
      const next = new URLSearchParams(compact(values) as Record<string, string>).toString();
      navigate(next ? `${base}?${next}` : base);
    },
  };
}
