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
  const text = JSON.stringify;
  return (line) => {
    let fields = `,"requestId":${text(line.requestId)}`;
    if (line.traceId !== undefined) fields += `,"traceId":${text(line.traceId)}`;
    fields += `,"method":${text(line.method)},"path":${text(line.path)}`;
    if (line.route !== undefined) fields += `,"route":${text(line.route)}`;
    fields += `,"status":${line.status},"ms":${text(line.ms)}`;
    if (line.bytesIn !== undefined)
      fields += `,"bytesIn":${text(line.bytesIn)},"aborted":${line.aborted === true}`;
    if (line.status >= 500) write('error', fields, 'request failed');
    else write('info', fields, line.aborted ? 'request aborted' : 'request completed');
  };
}
