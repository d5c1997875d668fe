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

/** The application logger: one JSON object per line, ISO timestamps, secrets redacted. */
export function createLogger(options: LoggerOptions): Logger {
  return pino(
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
}
