import { createHash } from 'node:crypto';
import type { ContentPart, OperationContent } from './service.js';
import type { StoredSettings } from './settings.js';

/** Response shapes of the content routes. */

const iso = (date: Date | null) => (date ? date.toISOString() : null);

export const presentSettings = (
  stored: StoredSettings,
  encryption: { available: boolean; source: string; kek_id: string | null },
) => ({
  retention: stored.retention,
  encryption,
  updated_at: iso(stored.updated_at),
  updated_by: stored.updated_by,
});

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Text when the bytes are UTF-8 (every AI-LA operation's are), base64 otherwise; always the hash. */
function presentPart(part: ContentPart | null) {
  if (part === null) return null;
  let text: string | undefined;
  try {
    text = utf8.decode(part.bytes);
  } catch {
    text = undefined;
  }
  return {
    media_type: part.mediaType,
    sha256: createHash('sha256').update(part.bytes).digest('base64url'),
    bytes: part.bytes.length,
    ...(text === undefined ? { base64: part.bytes.toString('base64') } : { text }),
  };
}

export const presentOperationContent = (c: OperationContent) => ({
  request_id: c.requestId,
  op: c.op,
  user_id: c.userId,
  team_id: c.teamId,
  project: c.project,
  task: c.task,
  created_at: iso(c.createdAt),
  shredded: c.shredded,
  input: presentPart(c.input),
  output: presentPart(c.output),
});
