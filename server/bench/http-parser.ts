/**
 * The load generator's HTTP/1.1 wire format (RFC 9112): pre-built request bytes, and an incremental
 * parser of one response at a time (status line, the headers that frame the body, `content-length`
 * or `chunked` bodies, §6 and §7.1). Enough for benchmarking known servers; not a general client.
 */

/** The bytes of one request with a fixed body (sent again and again). */
export function clientRequest(
  url: URL,
  method: string,
  headers: Record<string, string>,
  body: string | undefined,
): Buffer {
  const payload = body === undefined ? Buffer.alloc(0) : Buffer.from(body);
  const lines = [`${method} ${url.pathname}${url.search} HTTP/1.1`, `host: ${url.host}`];
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  if (body !== undefined || method !== 'GET') lines.push(`content-length: ${payload.length}`);
  return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`), payload]);
}

const CRLF = Buffer.from('\r\n');
const HEAD_END = Buffer.from('\r\n\r\n');

/** `more`: waiting for bytes; `done`: a whole response; anything else describes a protocol error. */
export type ParseState = 'more' | 'done' | string;

/** Parses one response; {@link reset} before each request on the connection. */
export class ResponseParser {
  private buffer: Buffer = Buffer.alloc(0);
  private headDone = false;
  private chunked = false;
  /** Body bytes still expected (content-length), or of the current chunk. */
  private remaining = 0;
  /** Chunked: the CRLF after a chunk's data is still to come. */
  private chunkTail = false;
  private keep = false;
  private readonly parts: Buffer[] = [];
  status = 0;
  closeAfter = false;
  bodyStarted = false;

  /** Starts a new response; with `keepBody` the body is kept for {@link body}. */
  reset(keepBody: boolean): void {
    this.buffer = Buffer.alloc(0);
    this.headDone = false;
    this.chunked = false;
    this.remaining = 0;
    this.chunkTail = false;
    this.keep = keepBody;
    this.parts.length = 0;
    this.status = 0;
    this.closeAfter = false;
    this.bodyStarted = false;
  }

  /** The body received (when kept). */
  body(): Buffer {
    return Buffer.concat(this.parts);
  }

  push(chunk: Buffer): ParseState {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    if (!this.headDone) {
      const end = this.buffer.indexOf(HEAD_END);
      if (end < 0) return this.buffer.length > 65536 ? 'response head too large' : 'more';
      const state = this.head(this.buffer.subarray(0, end).toString('latin1'));
      if (state !== 'more') return state;
      this.buffer = this.buffer.subarray(end + 4);
      this.headDone = true;
    }
    if (this.buffer.length > 0) this.bodyStarted = true;
    return this.chunked ? this.chunks() : this.fixed();
  }

  private head(text: string): ParseState {
    const lines = text.split('\r\n');
    const status = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? '');
    if (!status) return 'bad status line';
    this.status = Number(status[1]);
    let length: number | undefined;
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i] as string;
      const colon = line.indexOf(':');
      const name = line.slice(0, colon).toLowerCase();
      const value = line
        .slice(colon + 1)
        .trim()
        .toLowerCase();
      if (name === 'content-length') length = Number(value);
      else if (name === 'transfer-encoding') this.chunked = value.includes('chunked');
      else if (name === 'connection') this.closeAfter = value.includes('close');
    }
    if (!this.chunked) {
      // A body without length and not chunked is delimited by the close: not used by these servers.
      if (length === undefined || !Number.isSafeInteger(length)) return 'response without a length';
      this.remaining = length;
    }
    return 'more';
  }

  private take(n: number): void {
    if (this.keep) this.parts.push(this.buffer.subarray(0, n));
    this.buffer = this.buffer.subarray(n);
  }

  private fixed(): ParseState {
    const n = Math.min(this.remaining, this.buffer.length);
    this.take(n);
    this.remaining -= n;
    return this.remaining === 0 ? 'done' : 'more';
  }

  private chunks(): ParseState {
    for (;;) {
      if (this.remaining > 0) {
        const n = Math.min(this.remaining, this.buffer.length);
        this.take(n);
        this.remaining -= n;
        if (this.remaining > 0) return 'more';
        this.chunkTail = true;
      }
      if (this.chunkTail) {
        if (this.buffer.length < 2) return 'more';
        this.buffer = this.buffer.subarray(2);
        this.chunkTail = false;
      }
      const eol = this.buffer.indexOf(CRLF);
      if (eol < 0) return 'more';
      const size = Number.parseInt(this.buffer.subarray(0, eol).toString('latin1'), 16);
      if (!Number.isSafeInteger(size)) return 'bad chunk size';
      if (size === 0) {
        // Last chunk, no trailers: "0\r\n\r\n".
        if (this.buffer.length < eol + 4) return 'more';
        this.buffer = this.buffer.subarray(eol + 4);
        return 'done';
      }
      this.buffer = this.buffer.subarray(eol + 2);
      this.remaining = size;
    }
  }
}
