/**
 * Server-sent events over a fetch() body (the browser's EventSource cannot POST). Keeps every byte
 * it received, so the receipt's `output_hash` can be recomputed over exactly what was sent before
 * the receipt event (EVIDENCE.md §1).
 */

/** One `data:` payload and where its event starts in the byte stream. */
export interface SseEvent {
  data: string;
  /** Byte offset of the event's first byte. */
  offset: number;
}

/** Splits a growing byte stream into events (blank-line separated, WHATWG HTML §9.2.6). */
export class SseParser {
  private buffer = new Uint8Array(0);
  /** Byte offset of `buffer[0]` in the whole stream. */
  private base = 0;
  private readonly chunks: Uint8Array[] = [];
  private readonly decoder = new TextDecoder();

  /** Every byte received so far, in order. */
  bytes(): Uint8Array {
    const total = this.chunks.reduce((n, c) => n + c.length, 0);
    const out = new Uint8Array(total);
    let at = 0;
    for (const chunk of this.chunks) {
      out.set(chunk, at);
      at += chunk.length;
    }
    return out;
  }

  /** Feeds a chunk; returns the events it completed. */
  push(chunk: Uint8Array): SseEvent[] {
    this.chunks.push(chunk);
    const joined = new Uint8Array(this.buffer.length + chunk.length);
    joined.set(this.buffer);
    joined.set(chunk, this.buffer.length);
    this.buffer = joined;
    const events: SseEvent[] = [];
    for (;;) {
      const end = eventEnd(this.buffer);
      if (end === null) break;
      const raw = this.decoder.decode(this.buffer.subarray(0, end.at));
      const data = raw
        .split(/\r\n|\r|\n/)
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.slice(line.startsWith('data: ') ? 6 : 5))
        .join('\n');
      if (data !== '') events.push({ data, offset: this.base });
      this.base += end.at + end.length;
      this.buffer = this.buffer.subarray(end.at + end.length);
    }
    return events;
  }
}

/** Position and length of the first blank-line terminator (\n\n, \r\n\r\n or \r\r). */
function eventEnd(bytes: Uint8Array): { at: number; length: number } | null {
  for (let i = 0; i < bytes.length - 1; i++) {
    const a = bytes[i];
    const b = bytes[i + 1];
    if (a === 0x0a && b === 0x0a) return { at: i, length: 2 };
    if (a === 0x0d && b === 0x0d) return { at: i, length: 2 };
    if (a === 0x0d && b === 0x0a && bytes[i + 2] === 0x0d && bytes[i + 3] === 0x0a)
      return { at: i, length: 4 };
  }
  return null;
}

/** What {@link readEvents} hands over for each event: its JSON data and, for a receipt, the bytes before it. */
export interface ReadEvent {
  data: Record<string, unknown>;
  /** Every byte of the stream before this event (for a receipt: what its output_hash covers). */
  before(): Uint8Array;
}

/**
 * Reads a `text/event-stream` response to its end, calling `onEvent` with each JSON event (the
 * `[DONE]` marker is skipped). Resolves `'done'` at the end, or `'aborted'` when `signal` cut it.
 */
export async function readEvents(
  response: Response,
  signal: AbortSignal,
  onEvent: (event: ReadEvent) => void,
): Promise<'done' | 'aborted'> {
  if (!response.body) throw new Error('The answer arrived without a body.');
  const parser = new SseParser();
  const reader = response.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return 'done';
      for (const event of parser.push(value)) {
        if (event.data === '[DONE]') continue;
        const data = JSON.parse(event.data) as Record<string, unknown>;
        onEvent({ data, before: () => parser.bytes().slice(0, event.offset) });
      }
    }
  } catch (err) {
    if (signal.aborted) return 'aborted';
    throw err;
  }
}
