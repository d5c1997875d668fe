import { createHmac, randomUUID } from 'node:crypto';
import { assertEvidenceSafe } from '../evidence/core/jcs.js';
import type { AuditAction, AuditOutcome } from './catalogue.js';

/** Scalar values allowed inside an audit event: EVIDENCE.md §1/§4 forbid floats in hashed JSON. */
export type AuditValue = string | number | boolean | null | AuditValue[] | { [key: string]: AuditValue };

/** An audit event exactly as it is stored and hashed into the `audit` log (EVIDENCE.md §4). */
export interface AuditEvent {
  v: 1;
  id: string;
  ts: number;
  action: AuditAction;
  outcome: AuditOutcome;
  actor: { type: 'user' | 'system' | 'scim' | 'api_key' | 'anonymous'; id: string; ip_hmac?: string };
  target?: { type: string; id: string };
  request_id?: string;
  details: { [key: string]: AuditValue };
}

/** What a caller supplies; id, time and the HMAC of personal values are filled in. */
export interface AuditInput {
  action: AuditAction;
  outcome: AuditOutcome;
  actor: { type: AuditEvent['actor']['type']; id: string; ip?: string };
  target?: { type: string; id: string };
  requestId?: string;
  details?: { [key: string]: AuditValue };
}

/**
 * Pseudonymises a personal or secret value (IP address, e-mail, token fragment) with the
 * installation's HMAC key, as Vault's audit devices do: equal values stay linkable, never readable.
 */
export const hmacValue = (key: Buffer, value: string) =>
  `hmac-sha256:${createHmac('sha256', key).update(value, 'utf8').digest('hex')}`;

/**
 * Hashed JSON has no null (EVIDENCE.md §1: strings, integers, booleans, arrays, objects): a member
 * whose value is null means "none" and is left out of the event.
 */
function withoutNulls(value: { [key: string]: AuditValue }): { [key: string]: AuditValue } {
  const out: { [key: string]: AuditValue } = {};
  for (const [key, v] of Object.entries(value)) {
    if (v === null) continue;
    out[key] = typeof v === 'object' && !Array.isArray(v) ? withoutNulls(v) : v;
  }
  return out;
}

/** Builds the stored event from a caller's input. */
export function buildAuditEvent(input: AuditInput, hmacKey: Buffer, now = Date.now()): AuditEvent {
  const details = withoutNulls(input.details ?? {});
  assertEvidenceSafe(details);
  return {
    v: 1,
    id: randomUUID(),
    ts: now,
    action: input.action,
    outcome: input.outcome,
    actor: {
      type: input.actor.type,
      id: input.actor.id,
      ...(input.actor.ip ? { ip_hmac: hmacValue(hmacKey, input.actor.ip) } : {}),
    },
    ...(input.target ? { target: input.target } : {}),
    ...(input.requestId ? { request_id: input.requestId } : {}),
    details,
  };
}
