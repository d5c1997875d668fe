/** Alerts, error messages, loading and empty states. */
import type { ReactNode } from 'react';
import { ApiError } from '../api/client.js';

type Tone = 'info' | 'success' | 'warning' | 'danger';

export function Alert({ tone, title, children }: { tone: Tone; title?: string; children?: ReactNode }) {
  // Errors interrupt screen readers; other notices are announced politely.
  const role = tone === 'danger' ? 'alert' : 'status';
  return (
    <div className={`alert alert-${tone}`} role={role}>
      <div>
        {title && <div className="alert-title">{title}</div>}
        {children}
      </div>
    </div>
  );
}

/** Human text of any error: the server's `error.message`, or the exception's message. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return 'Something went wrong.';
}

/** Shows an error the way the server phrased it, with its field problems and request id. */
export function ErrorAlert({ error, title }: { error: unknown; title?: string }) {
  if (error === undefined || error === null) return null;
  const api = error instanceof ApiError ? error : undefined;
  const problems = api?.fieldProblems ?? [];
  return (
    <Alert tone="danger" title={title}>
      <p>{errorMessage(error)}</p>
      {problems.length > 0 && (
        <ul>
          {problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      )}
      {api?.requestId && <p className="subtle">Request id {api.requestId}</p>}
    </Alert>
  );
}

/** A small busy indicator inside a button or line; the surrounding text says what is happening. */
export function Spinner() {
  return <span className="spinner" aria-hidden="true" />;
}

export function Loading({ label = 'Loading…', page = false }: { label?: string; page?: boolean }) {
  return (
    <output className={page ? 'loading loading-page' : 'loading'} aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      <span>{label}</span>
    </output>
  );
}

export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="empty">
      <h3>{title}</h3>
      {children && <p>{children}</p>}
    </div>
  );
}

type BadgeTone = 'neutral' | 'success' | 'warning' | 'danger' | 'info' | 'accent';

export function Badge({
  tone = 'neutral',
  children,
  dot,
}: {
  tone?: BadgeTone;
  children: ReactNode;
  dot?: boolean;
}) {
  return (
    <span className={tone === 'neutral' ? 'badge' : `badge badge-${tone}`}>
      {dot && <span className="dot" aria-hidden="true" />}
      {children}
    </span>
  );
}
