/**
 * Splits a server-sent event stream into whole events (WHATWG HTML "Server-sent events" §9.2.6: an
 * event ends at a blank line; lines end in CRLF, LF or CR). Events are kept as the exact bytes
 * received, terminator included, so what is forwarded is byte-identical to what the replica sent.
 */
export class SseSplitter {
  private pending: Buffer = Buffer.alloc(0);

  /** Feeds a chunk; returns the events it completed. */
  push(chunk: Buffer): Buffer[] {
    const data = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const events: Buffer[] = [];
    let start = 0;
    for (;;) {
      const end = eventEnd(data, start);
      if (end < 0) break;
      events.push(data.subarray(start, end));
      start = end;
    }
    this.pending = start === 0 ? data : Buffer.from(data.subarray(start));
    return events;
  }

  /** Bytes of an unfinished event still waiting for their blank line. */
  rest(): Buffer {
    return this.pending;
  }
}

const LF = 0x0a;
const CR = 0x0d;

/** Index just after the blank line that ends the event starting at `from`, or -1. */
function eventEnd(data: Buffer, from: number): number {
  for (let i = from; i < data.length; i++) {
    const c = data[i];
    if (c !== LF && c !== CR) continue;
    // End of a line at i; is the next line empty?
    const next = c === CR && data[i + 1] === LF ? i + 2 : i + 1;
    if (next >= data.length) return -1;
    const d = data[next];
    if (d === LF) return next + 1;
    if (d === CR) {
      if (next + 1 >= data.length) return -1; // CR may be followed by LF in the next chunk.
      return data[next + 1] === LF ? next + 2 : next + 1;
    }
    i = next - 1;
  }
  return -1;
}

const DONE = /^data: ?\[DONE\]\s*$/;

/** The joined `data:` field of an event (lines after `data:`, one optional space removed). */
export function eventData(event: Buffer): string {
  const lines = event.toString('utf8').split(/\r\n|\r|\n/);
  const data: string[] = [];
  for (const line of lines) {
    if (line.startsWith('data:')) data.push(line.slice(line.startsWith('data: ') ? 6 : 5));
  }
  return data.join('\n');
}

/** Whether the event is OpenAI's end-of-stream marker `data: [DONE]`. */
export function isDone(event: Buffer): boolean {
  return event.length < 32 && DONE.test(event.toString('utf8'));
}
