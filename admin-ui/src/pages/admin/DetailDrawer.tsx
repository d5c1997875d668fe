/**
 * The drawer of one user or team: loads the detail, runs changes one at a time with a success notice
 * or the error on top, and leaves room after the body for the confirmation dialogs of its actions.
 */
import { type ReactNode, useState } from 'react';
import { Dialog } from '../../components/Dialog.js';
import { Alert, ErrorAlert, Loading } from '../../components/Feedback.js';
import { useAction } from '../../hooks/use-action.js';
import type { Resource } from '../../hooks/use-resource.js';

export interface DrawerActions {
  busy: boolean;
  error: unknown;
  notice: string | undefined;
  setNotice(notice: string | undefined): void;
  /** Runs one change; on success shows `done` (of its result) and tells the list behind. */
  act<R>(action: () => Promise<R>, done: string | ((result: R) => string)): Promise<void>;
  /** Forgets the last notice and error. */
  reset(): void;
}

export function useDrawerActions(onChanged: () => void): DrawerActions {
  const { busy, error, setError, run } = useAction();
  const [notice, setNotice] = useState<string>();
  return {
    busy,
    error,
    notice,
    setNotice,
    async act(action, done) {
      setNotice(undefined);
      await run(async () => {
        const result = await action();
        setNotice(typeof done === 'string' ? done : done(result));
        onChanged();
      });
    },
    reset() {
      setError(undefined);
      setNotice(undefined);
    },
  };
}

export function DetailDrawer<T>({
  open,
  title,
  description,
  detail,
  current,
  actions,
  onClose,
  body,
  children,
}: {
  open: boolean;
  title: ReactNode;
  description?: ReactNode;
  detail: Resource<T | undefined>;
  /** Whether the loaded detail is the one asked for (not the previous one while the next loads). */
  current(data: T): boolean;
  actions: DrawerActions;
  onClose(): void;
  body(data: T): ReactNode;
  /** Dialogs the body opens. */
  children?: ReactNode;
}) {
  const data = detail.data;
  return (
    <Dialog
      open={open}
      variant="drawer"
      title={title}
      description={description}
      onClose={() => {
        actions.reset();
        onClose();
      }}
    >
      {detail.loading && !data && <Loading />}
      <ErrorAlert error={detail.error} />
      {data && current(data) && (
        <div className="stack">
          {actions.notice && <Alert tone="success">{actions.notice}</Alert>}
          <ErrorAlert error={actions.error} title="The change was not made" />
          {body(data)}
        </div>
      )}
      {children}
    </Dialog>
  );
}
