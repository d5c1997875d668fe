import { type DependencyList, useCallback, useEffect, useRef, useState } from 'react';

export interface Resource<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  /** Loads again (keeps the current data on screen meanwhile). */
  reload(): void;
  /** Replaces the data after a change the page made itself. */
  setData(data: T): void;
}

/**
 * Loads data for a page: aborts the previous request when `deps` change or the page goes away, and
 * never lets a stale answer overwrite a newer one. `reload()` keeps the data on screen while it
 * loads; changed `deps` clear it first.
 */
export function useResource<T>(load: (signal: AbortSignal) => Promise<T>, deps: DependencyList): Resource<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [loading, setLoading] = useState(true);
  const [generation, setGeneration] = useState(0);
  const loader = useRef(load);
  loader.current = load;
  const lastDeps = useRef<DependencyList | null>(null);

  // biome-ignore lint/correctness/useExhaustiveDependencies: the caller's deps decide when to reload.
  useEffect(() => {
    const controller = new AbortController();
    // New inputs (another filter, another id) must not show the previous answer; a reload may.
    const changed =
      lastDeps.current !== null &&
      (lastDeps.current.length !== deps.length || deps.some((d, i) => !Object.is(d, lastDeps.current?.[i])));
    lastDeps.current = deps;
    if (changed) setData(undefined);
    setLoading(true);
    loader
      .current(controller.signal)
      .then((value) => {
        if (controller.signal.aborted) return;
        setData(value);
        setError(undefined);
      })
      .catch((err: unknown) => {
        if (controller.signal.aborted) return;
        setError(err);
      })
      .finally(() => {
        if (!controller.signal.aborted) setLoading(false);
      });
    return () => controller.abort();
  }, [...deps, generation]);

  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return { data, error, loading, reload, setData };
}
