import { createHash } from 'node:crypto';

/** Appends the text of a chat message `content` (a string or a list of parts) to `out`. */
function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  let text = '';
  for (const part of content) {
    const t = (part as { text?: unknown } | null)?.text;
    if (typeof t === 'string') text += t;
  }
  return text;
}

/**
 * The prompt prefix that decides prefix affinity: the first `chars` characters of the rendered
 * conversation (roles and texts) or of the completion prompt. Requests that share it share vLLM's
 * prefix cache (automatic prefix caching) when they land on the same replica.
 */
export function promptPrefix(body: Record<string, unknown>, chars: number): string | undefined {
  if (chars <= 0) return undefined;
  let text = '';
  if (Array.isArray(body.messages)) {
    for (const message of body.messages) {
      const { role, content } = (message ?? {}) as { role?: unknown; content?: unknown };
      text += `${typeof role === 'string' ? role : ''}\n${contentText(content)}\n`;
      if (text.length >= chars) break;
    }
  } else if (typeof body.prompt === 'string') {
    text = body.prompt;
  } else if (Array.isArray(body.prompt) && typeof body.prompt[0] === 'string') {
    text = body.prompt[0];
  }
  return text.length === 0 ? undefined : text.slice(0, chars);
}

/** The affinity key of a prompt prefix: its SHA-256 (short, uniform, and the same on every replica). */
export function affinityKey(body: Record<string, unknown>, chars: number): Buffer | undefined {
  const prefix = promptPrefix(body, chars);
  return prefix === undefined ? undefined : createHash('sha256').update(prefix).digest();
}
