/** A model answer rendered as sanitised Markdown; code blocks carry a working "Copy" button. */
import { useEffect, useMemo, useRef } from 'react';
import { renderMarkdown } from '../markdown/render.js';
import { sanitizeHtml } from '../markdown/sanitize.js';

async function copyCode(event: MouseEvent) {
  const target = event.target;
  if (!(target instanceof HTMLButtonElement) || !target.classList.contains('code-copy')) return;
  const code = target.closest('.code-block')?.querySelector('code')?.textContent ?? '';
  try {
    await navigator.clipboard.writeText(code);
    target.textContent = 'Copied';
  } catch {
    target.textContent = 'Select and copy';
  }
  window.setTimeout(() => {
    target.textContent = 'Copy';
  }, 2000);
}

export function Markdown({ text, className = 'markdown' }: { text: string; className?: string }) {
  const html = useMemo(() => sanitizeHtml(renderMarkdown(text)), [text]);
  const ref = useRef<HTMLDivElement>(null);
  // The Copy buttons are real <button>s inside the rendered HTML; one delegated listener serves them all.
  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    const onClick = (event: MouseEvent) => void copyCode(event);
    element.addEventListener('click', onClick);
    return () => element.removeEventListener('click', onClick);
  }, []);
  return (
    <div
      ref={ref}
      className={className}
      // biome-ignore lint/security/noDangerouslySetInnerHtml: marked output with raw HTML escaped, then filtered by sanitizeHtml's allowlist.
      dangerouslySetInnerHTML={{ __html: html }}
    />
  );
}
