import { type DependencyList, useEffect, useState } from 'react';
import { type Resource, useResource } from './use-resource.js';

interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

export interface CursorList<T> {
  first: Resource<Page<T>>;
  items: T[];
  /** Cursor of the next page, when there is one. */
  cursor: string | null;
  loadMore(): Promise<void>;
  moreError: unknown;
}

/** A keyset-paginated list: the first page reloads with `deps`, "Load more" appends the next pages. */
export function useCursorList<T>(
  load: (cursor: string | undefined) => Promise<Page<T>>,
  deps: DependencyList,
): CursorList<T> {
  const first = useResource(() => load(undefined), deps);
  const [more, setMore] = useState<Page<T> | null>(null);
  const [moreError, setMoreError] = useState<unknown>();
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new first page starts the list again.
  useEffect(() => {
    setMore(null);
    setMoreError(undefined);
  }, [first.data]);
  const cursor = more ? more.next_cursor : (first.data?.next_cursor ?? null);
  return {
    first,
    items: [...(first.data?.items ?? []), ...(more?.items ?? [])],
    cursor,
    moreError,
    async loadMore() {
      if (!cursor) return;
      setMoreError(undefined);
      try {
        const page = await load(cursor);
        setMore((prev) => ({
          items: [...(prev?.items ?? []), ...page.items],
          next_cursor: page.next_cursor,
        }));
      } catch (err) {
        setMoreError(err);
      }
    },
  };
}
