/** Copy-to-clipboard button with a spoken confirmation. */
import { useEffect, useState } from 'react';

async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}

export function CopyButton({
  text,
  label = 'Copy',
  className,
}: {
  text: string;
  label?: string;
  className?: string;
}) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  useEffect(() => {
    if (state === 'idle') return;
    const timer = window.setTimeout(() => setState('idle'), 2000);
    return () => window.clearTimeout(timer);
  }, [state]);
  return (
    <button
      type="button"
      className={className ?? 'btn btn-sm'}
      onClick={async () => setState((await copyText(text)) ? 'copied' : 'failed')}
    >
      <span aria-live="polite">
        {state === 'copied' ? 'Copied' : state === 'failed' ? 'Select and copy by hand' : label}
      </span>
    </button>
  );
}

/** A long value (hash, key id) in monospace, shortened on screen, full in the title and the copy. */
export function HashValue({ value, short = true }: { value: string; short?: boolean }) {
  const shown = short && value.length > 24 ? `${value.slice(0, 12)}…${value.slice(-8)}` : value;
  return (
    <span className="row">
      <code className="mono break-all" title={value}>
        {shown}
      </code>
      <CopyButton text={value} label="Copy" className="btn btn-link btn-sm" />
    </span>
  );
}
