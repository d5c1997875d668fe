import { randomBytes } from 'node:crypto';
import { currentContext } from '../platform/context.js';
import type { Db } from '../platform/db/knex.js';
import { settingOrCreate } from '../platform/db/settings.js';
import { type AuditEvent, type AuditInput, buildAuditEvent, hmacValue } from './event.js';
import { insertAuditEvent } from './repository.js';

export { AUDIT_ACTIONS, type AuditAction, type AuditOutcome } from './catalogue.js';
export type { AuditEvent, AuditInput } from './event.js';

/** Receives each audit event inside the recording transaction (the `audit` transparency log). */
export interface AuditLogAppender {
  append(trx: Db, event: AuditEvent): Promise<void>;
}

export interface AuditService {
  /**
   * Records an event in the caller's transaction, so it commits (or rolls back) with the change it
   * records. The request id defaults to the current request's.
   */
  record(trx: Db, input: AuditInput): Promise<AuditEvent>;
  /** Pseudonymises a personal value with the installation key (`hmac-sha256:<hex>`). */
  hmac(value: string): string;
}

export interface AuditModuleDeps {
  db: Db;
  /** Base64 key from configuration (audit.hmacKey); generated once and kept in settings when absent. */
  hmacKey?: string;
  /**
   * The `audit` transparency log (evidence's `createAuditLogAppender`). Required: an event recorded
   * without its log leaf would be missing from the tamper-evident log.
   */
  appender: AuditLogAppender;
}

/** Creates the audit module: the per-installation HMAC key is loaded (or created) at boot. */
export async function createAuditModule(deps: AuditModuleDeps): Promise<{ service: AuditService }> {
  const encoded =
    deps.hmacKey ??
    (await settingOrCreate(deps.db, 'audit.hmac_key', () => randomBytes(32).toString('base64')));
  const key = Buffer.from(encoded, 'base64');
  if (key.length < 32) throw new Error('audit.hmacKey must be at least 32 bytes (base64)');
  const service: AuditService = {
    async record(trx, input) {
      const requestId = input.requestId ?? currentContext()?.requestId;
      const event = buildAuditEvent(requestId ? { ...input, requestId } : input, key);
      await insertAuditEvent(trx, event);
      await deps.appender.append(trx, event);
      return event;
    },
    hmac: (value) => hmacValue(key, value),
  };
  return { service };
}
