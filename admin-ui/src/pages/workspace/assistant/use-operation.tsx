/**
 * A streamed assistant operation as a page runs it: start, progress, stop, and what it leaves (the
 * result or error and its receipt), with the parts every operation page shows.
 */
import { type ReactNode, useEffect, useRef, useState } from 'react';
import { type OperationResult, type StreamEvent, streamOperation } from '../../../api/assistant.js';
import { ReceiptPanel } from '../../../components/evidence/ReceiptPanel.js';
import { Alert, ErrorAlert, Spinner } from '../../../components/Feedback.js';

export interface RunningOperation<T> {
  /** The latest progress (events merged), null when nothing runs or ran. */
  progress: StreamEvent | null;
  outcome: OperationResult<T> | undefined;
  /** A refusal before the operation started (validation, limits). */
  error: unknown;
  running: boolean;
  run(path: string, input: Parameters<typeof streamOperation>[1]): Promise<void>;
  stop(): void;
}

export function useOperation<T>(): RunningOperation<T> {
  const [progress, setProgress] = useState<StreamEvent | null>(null);
  const [outcome, setOutcome] = useState<OperationResult<T>>();
  const [error, setError] = useState<unknown>();
  const controller = useRef<AbortController | null>(null);
  useEffect(() => () => controller.current?.abort(), []);
  return {
    progress,
    outcome,
    error,
    running: progress !== null && outcome === undefined,
    stop: () => controller.current?.abort(),
    async run(path, input) {
      const abort = new AbortController();
      controller.current = abort;
      setError(undefined);
      setOutcome(undefined);
      setProgress({ object: 'assistant.progress', stage: 'starting' });
      try {
        setOutcome(
          await streamOperation<T>(path, input, (e) => setProgress((p) => ({ ...p, ...e })), abort.signal),
        );
      } catch (err) {
        setError(err);
        setProgress(null);
      } finally {
        controller.current = null;
      }
    },
  };
}

/** The start button, or Stop while the operation runs. */
export function RunButton({
  op,
  label,
  disabled,
}: {
  op: RunningOperation<unknown>;
  label: string;
  disabled: boolean;
}) {
  return op.running ? (
    <button type="button" className="btn" onClick={op.stop}>
      Stop
    </button>
  ) : (
    <button type="submit" className="btn btn-primary" disabled={disabled}>
      {label}
    </button>
  );
}

/** Refusal, progress, cancellation and failure of an operation. */
export function OperationStatus<T>({
  op,
  refused,
  children,
}: {
  op: RunningOperation<T>;
  /** Title of a refusal (nothing ran). */
  refused: string;
  /** What the progress says while the operation runs. */
  children: ReactNode;
}) {
  return (
    <>
      <ErrorAlert error={op.error} title={refused} />
      {op.running && (
        <output className="progress-panel" aria-live="polite">
          <Spinner />
          <span>{children}</span>
        </output>
      )}
      {op.outcome?.status === 'cancelled' && (
        <Alert tone="warning">
          Stopped. The appliance records the cancelled operation with its own receipt.
        </Alert>
      )}
      <ErrorAlert error={op.outcome?.error} title="The model's answer was not usable" />
    </>
  );
}

/** The operation's receipt with the verify action (input and output checked in this browser). */
export function OperationReceipt<T>({ op }: { op: RunningOperation<T> }) {
  const outcome = op.outcome;
  if (!outcome?.receipt) return null;
  return (
    <ReceiptPanel
      receipt={outcome.receipt}
      requestBody={outcome.requestBody}
      inputBytes={outcome.inputBytes}
      outputBytes={outcome.outputBytes}
    />
  );
}
