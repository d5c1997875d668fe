import { type DestinationStream, type Logger, pino } from 'pino';

/**
 * Fields that must never reach a log line: credentials, cookies, API keys, SAML responses and OAuth
 * codes, wherever they appear in a logged object.
 */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'req.headers["x-vault-token"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  'headers["set-cookie"]',
  'authorization',
  'cookie',
  'password',
  'secret',
  'token',
  'apiKey',
  'api_key',
  'SAMLResponse',
  'SAMLRequest',
  'query.code',
  'body.code',
  'req.query.code',
  'code_verifier',
  'client_secret',
  'refresh_token',
  'access_token',
  'id_token',
  'databaseUrl',
  '*.password',
  '*.secret',
  '*.token',
  '*.apiKey',
  '*.api_key',
  '*.SAMLResponse',
  '*.code_verifier',
  '*.client_secret',
  '*.clientSecret',
  '*.privateKey',
];

export interface LoggerOptions {
  level: string;
  redact?: string[];
  /** Where lines go; stdout by default. Tests pass a stream to read what was logged. */
  destination?: DestinationStream;
}

/** Marks the loggers {@link createLogger} made (and their children): {@link lineWriter} knows their format. */
const OWN_FORMAT = Symbol('ai-la.logFormat');

/** The application logger: one JSON object per line, ISO timestamps, secrets redacted. */
export function createLogger(options: LoggerOptions): Logger {
  const logger = pino(
    {
      level: options.level,
      base: { service: 'ai-la' },
      timestamp: pino.stdTimeFunctions.isoTime,
      messageKey: 'msg',
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: [...REDACT_PATHS, ...(options.redact ?? [])], censor: '[redacted]' },
    },
    options.destination ?? pino.destination({ sync: false }),
  );
  Object.defineProperty(logger, OWN_FORMAT, { value: true });
  return logger;
}

/** Writes one line: `fields` is the JSON of the line's own fields, each preceded by a comma. */
export type LineWriter = (level: 'info' | 'error', fields: string, msg: string) => void;

/**
 * A writer of lines in `logger`'s format (level, time, its bindings, the fields, msg), straight to
 * its destination: for the one line of every request on hot paths, whose fields are fixed, never
 * secret and already JSON, so the logging call's object pass (redaction, serializers, key-by-key
 * encoding) is skipped. Lines are byte-for-byte those a logging call would write. For a logger
 * {@link createLogger} did not make, the writer goes through the logging call.
 */
export function lineWriter(logger: Logger): LineWriter {
  if ((logger as unknown as Record<symbol, unknown>)[OWN_FORMAT] !== true) {
    return (level, fields, msg) => logger[level](JSON.parse(`{${fields.slice(1)}}`) as object, msg);
  }
  const own = logger as unknown as Record<symbol, unknown>;
  const bindings = own[pino.symbols.chindingsSym] as string;
  const stream = own[pino.symbols.streamSym] as { write(line: string): unknown };
  const messages = new Map<string, string>();
  return (level, fields, msg) => {
    if (!logger.isLevelEnabled(level)) return;
    let text = messages.get(msg);
    if (text === undefined) {
      text = JSON.stringify(msg);
      if (messages.size < 64) messages.set(msg, text);
    }
    stream.write(`{"level":"${level}","time":"${isoNow()}"${bindings}${fields},"msg":${text}}\n`);
  };
}

/** `new Date().toISOString()`, formatted once per millisecond: busy servers write many lines in one. */
let lastMs = 0;
let lastIso = '';
function isoNow(): string {
  const now = Date.now();
  if (now !== lastMs) {
    lastMs = now;
    lastIso = new Date(now).toISOString();
  }
  return lastIso;
}
