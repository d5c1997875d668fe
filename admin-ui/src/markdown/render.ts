/**
 * Markdown of model answers to HTML that is safe to insert: raw HTML in the answer is shown as text,
 * links only to http(s) and mailto, no images fetched, code highlighted by highlight.js. The result
 * carries no style attribute and no event handler, so the page's strict CSP holds. `sanitize.ts`
 * then filters the DOM once more against an allowlist.
 */
import { Marked, type Tokens } from 'marked';
import { highlight } from './highlight.js';

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (ch) => ESCAPES[ch] ?? ch);

/** Links the answer may contain: web pages and mail addresses; anything else stays text. */
export function safeHref(href: string): string | null {
  const trimmed = href.trim();
  try {
    const url = new URL(trimmed);
    return url.protocol === 'https:' || url.protocol === 'http:' || url.protocol === 'mailto:'
      ? url.href
      : null;
  } catch {
    return null;
  }
}

const marked = new Marked({
  gfm: true,
  breaks: false,
  async: false,
  renderer: {
    html({ text }: Tokens.HTML | Tokens.Tag) {
      return escapeHtml(text);
    },
    code({ text, lang }: Tokens.Code) {
      const { html, language } = highlight(text.replace(/\n$/, ''), lang);
      const label = escapeHtml(language);
      return `<div class="code-block"><div class="code-head"><span class="code-lang">${label}</span><button type="button" class="code-copy">Copy</button></div><pre><code class="hljs language-${label}">${html}</code></pre></div>\n`;
    },
    link(
      this: { parser: { parseInline(tokens: Tokens.Generic[]): string } },
      { href, title, tokens }: Tokens.Link,
    ) {
      const text = this.parser.parseInline(tokens);
      const safe = safeHref(href);
      if (!safe) return text;
      const titleAttr = title ? ` title="${escapeHtml(title)}"` : '';
      return `<a href="${escapeHtml(safe)}"${titleAttr} rel="noopener noreferrer nofollow" target="_blank">${text}</a>`;
    },
    image({ text }: Tokens.Image) {
      // Remote images would leak the reader's address and are blocked by the CSP anyway.
      return `<span class="md-image">[image: ${escapeHtml(text || 'untitled')}]</span>`;
    },
  },
});

/** Renders one answer (complete or still streaming) to HTML. */
export function renderMarkdown(markdown: string): string {
  return marked.parse(markdown, { async: false });
}
