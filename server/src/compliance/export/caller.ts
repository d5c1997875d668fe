/**
 * Who calls the export API, as app.ts resolves it from identity (access.ts), so this module does not
 * depend on how identity represents principals.
 */
import type { Request } from 'express';
import type { AuditInput } from '../../audit/index.js';

export interface ExportCaller {
  userId: string;
  ip?: string;
  apiKeyId?: string;
  /** Holds content:break_glass: may export retained content (audited as content.read). */
  mayReadContent: boolean;
}

export type CallerResolver = (req: Request) => ExportCaller;

/** An audit event performed by the caller (with the API key it used, if any). */
export function byCaller(caller: ExportCaller, event: Omit<AuditInput, 'actor'>): AuditInput {
  return {
    ...event,
    actor: { type: 'user', id: caller.userId, ...(caller.ip ? { ip: caller.ip } : {}) },
    details: { ...(event.details ?? {}), ...(caller.apiKeyId ? { api_key_id: caller.apiKeyId } : {}) },
  };
}
