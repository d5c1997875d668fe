/**
 * The one log line of every request (Express and the lean path alike): method, path, route, status,
 * duration, and for requests with a body its size and whether the client went away first. Written
 * through {@link lineWriter}: at tens of thousands of requests per second the logging call's object
 * pass costs more than the request itself.
 */
import type { Logger } from 'pino';
import { lineWriter } from '../logger.js';

export interface RequestLine {
  requestId: string;
  traceId?: string | undefined;
  method: string;
  path: string;
  /** The matched route's pattern; absent when none matched. */
  route?: string | undefined;
  status: number;
  ms: number;
  bytesIn?: number;
  aborted?: boolean;
}

/** Logs request lines: `request failed` (error) for 5xx, else `request completed` or `request aborted`. */
export function requestLines(log: Logger): (line: RequestLine) => void {
  const write = lineWriter(log);
  // Methods and routes are few: each is encoded once.
  const encoded = new Map<string, string>();
  const known = (value: string) => {
    let text = encoded.get(value);
    if (text === undefined) {
      text = JSON.stringify(value);
      if (encoded.size < 1024) encoded.set(value, text);
    }
    return text;
  };
  return (line) => {
    const trace = line.traceId === undefined ? '' : `,"traceId":${JSON.stringify(line.traceId)}`;
    const route = line.route === undefined ? '' : `,"route":${known(line.route)}`;
    const body =
      line.bytesIn === undefined
        ? ''
        : `,"bytesIn":${JSON.stringify(line.bytesIn)},"aborted":${line.aborted === true}`;
    const fields = `,"requestId":${JSON.stringify(line.requestId)}${trace},"method":${known(line.method)},"path":${JSON.stringify(line.path)}${route},"status":${line.status},"ms":${JSON.stringify(line.ms)}${body}`;
    if (line.status >= 500) write('error', fields, 'request failed');
    else write('info', fields, line.aborted ? 'request aborted' : 'request completed');
  };
}
