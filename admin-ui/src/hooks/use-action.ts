import { useCallback, useState } from 'react';

export interface Action {
  /** True while an action runs. */
  busy: boolean;
  /** What the last action threw; cleared when the next one starts. */
  error: unknown;
  setError(error: unknown): void;
  /** Runs `action`, keeping `busy` and `error` current. */
  run(action: () => Promise<void>): Promise<void>;
}

/** The pending and error state of a form submission or a button's request. */
export function useAction(): Action {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const run = useCallback(async (action: () => Promise<void>) => {
    setBusy(true);
    setError(undefined);
    try {
      await action();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, setError, run };
}
