/**
 * JSON request bodies on the lean path, read the way `express.json({ strict: true })` reads them
 * (body-parser 2): the same limit, the same refusals with the same catalogue codes. Requests the
 * lean path does not read itself (another media type or charset, a content encoding) are left to
 * Express, so its behaviour for them is unchanged.
 */
import type { IncomingMessage } from 'node:http';
import { AppError } from '../errors.js';

/** Bytes of a size written like `jsonBodyLimit` (`512kb`, `4mb`; 1 kb = 1024 bytes, as body-parser). */
export function byteSize(text: string): number {
  const match = /^([0-9]+)(b|kb|mb)$/.exec(text);
  if (!match) throw new Error(`not a byte size: ${text}`);
  const unit = match[2] === 'mb' ? 1024 * 1024 : match[2] === 'kb' ? 1024 : 1;
  return Number(match[1]) * unit;
}

const JSON_TYPE = /^application\/json\s*(?:;\s*charset\s*=\s*"?utf-8"?\s*)?$/i;

/** Whether the body is plain UTF-8 JSON without a content encoding (what the lean path reads). */
export function isPlainJson(req: IncomingMessage): boolean {
  const type = req.headers['content-type'];
  const encoding = req.headers['content-encoding'];
  return (
    type !== undefined &&
    JSON_TYPE.test(type) &&
    (encoding === undefined || encoding.toLowerCase() === 'identity')
  );
}

const TOO_LARGE = new AppError('PAYLOAD_TOO_LARGE');
const MALFORMED = new AppError('MALFORMED_JSON');
const INCOMPLETE = new AppError('VALIDATION_FAILED', 'The request body was not received completely.');

/** What body-parser's strict mode accepts: after whitespace, an object or an array. */
const STRICT_START = /^[ \t\n\r]*[{[]/;

/**
 * Reads and parses a JSON body of at most `limit` bytes. An empty body is `{}`, and a request
 * without a body (neither content-length nor transfer-encoding) has none: undefined (as body-parser).
 * @throws AppError PAYLOAD_TOO_LARGE, MALFORMED_JSON, VALIDATION_FAILED (body cut short).
 */
export function readJsonBody(req: IncomingMessage, limit: number): Promise<unknown> {
  const declared = Number(req.headers['content-length'] ?? Number.NaN);
  if (req.headers['transfer-encoding'] === undefined && Number.isNaN(declared)) {
    return Promise.resolve(undefined);
  }
  if (declared > limit) return Promise.reject(TOO_LARGE);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    const fail = (error: AppError) => {
      if (failed) return;
      failed = true;
      req.removeAllListeners('data');
      req.resume();
      reject(error);
    };
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) fail(TOO_LARGE);
      else chunks.push(chunk);
    });
    req.once('end', () => {
      if (failed) return;
      const bytes = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
      // iconv-lite, which body-parser decodes with, drops a byte order mark.
      let text = bytes.toString('utf8');
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      if (text.length === 0) {
        resolve({});
        return;
      }
      if (!STRICT_START.test(text)) {
        fail(MALFORMED);
        return;
      }
      try {
        resolve(JSON.parse(text));
      } catch {
        fail(MALFORMED);
      }
    });
    req.once('close', () => {
      if (!req.complete) fail(INCOMPLETE);
    });
  });
}
