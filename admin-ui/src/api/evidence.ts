/** Evidence endpoints (server/src/evidence/routes): receipts, audit events, proofs, keys, verification. */
import type { InclusionProof } from '../evidence/inclusion.js';
import type { Receipt } from '../evidence/receipt.js';
import { api } from './client.js';

export type LogName = 'receipts' | 'audit';

/** A receipt's metadata as the search lists it. */
export interface ReceiptSummary {
  id: string;
  state: 'pending' | 'integrated';
  index: number | null;
  pending_id: string;
  ts: number;
  subject: string;
  team: string;
  model: string;
  op: string;
  status: 'ok' | 'error' | 'cancelled';
  request_id: string;
}

export interface ReceiptDetail extends ReceiptSummary {
  log: string;
  receipt: Receipt;
  /** c2sp.org/tlog-proof@v1 text, once the receipt is in the log. */
  proof: string | null;
}

export interface ReceiptSearch {
  from?: string;
  to?: string;
  user?: string;
  team?: string;
  model?: string;
  op?: string;
  status?: string;
  cursor?: string;
  limit?: number;
}

/** `POST /api/v1/tecp/verify` answer. */
export interface VerifyResult {
  valid: boolean;
  checks: {
    schema: boolean;
    signature: boolean;
    key_known: boolean;
    in_log: boolean;
    inclusion_proof: boolean;
    checkpoint_signature: boolean;
  };
  errors: Array<{ code: string; message: string; field: string }>;
  log?: { origin: string; index: number; size: number };
}

export interface AuditEvent {
  v: number;
  id: string;
  ts: number;
  action: string;
  outcome: 'success' | 'failure' | 'denied';
  actor: { type: string; id: string; ip_hmac?: string };
  target?: { type: string; id: string };
  request_id?: string;
  details: Record<string, unknown>;
}

export interface AuditItem {
  event: AuditEvent;
  log_index: number | null;
  pending_id: string | null;
}

export interface AuditDetail extends AuditItem {
  log: string;
  proof: string | null;
}

export interface AuditSearch {
  from?: string;
  to?: string;
  action?: string;
  actor?: string;
  target?: string;
  outcome?: string;
  cursor?: string;
  limit?: number;
}

export interface Jwk {
  kty: 'OKP';
  crv: 'Ed25519';
  x: string;
  kid: string;
  use: 'sig';
  nbf: number;
  exp?: number;
}

export const evidence = {
  receipts: (q: ReceiptSearch) =>
    api.get<{ items: ReceiptSummary[]; next_cursor: string | null }>('/api/v1/receipts', { query: { ...q } }),
  receipt: (id: string) => api.get<ReceiptDetail>(`/api/v1/receipts/${encodeURIComponent(id)}`),
  verify: (receipt: Receipt) => api.post<VerifyResult>('/api/v1/tecp/verify', { receipt }),
  checkpoint: (log: LogName) => api.text(`/log/${log}/checkpoint`),
  vkeys: () => api.get<Record<LogName, string>>('/api/v1/tecp/vkeys'),
  jwks: () => api.get<{ keys: Jwk[] }>('/.well-known/tecp-jwks'),
  proof: (log: LogName, index: number, size?: number) =>
    api.get<InclusionProof>('/api/v1/tecp/proof', { query: { log, index, size } }),
  auditEvents: (q: AuditSearch) =>
    api.get<{ items: AuditItem[]; next_cursor: string | null }>('/api/v1/audit/events', { query: { ...q } }),
  auditEvent: (id: string) => api.get<AuditDetail>(`/api/v1/audit/events/${encodeURIComponent(id)}`),
};

/** `GET /api/v1/tecp/consistency` in JSON: RFC 9162 PROOF(old, D[size]) and the checkpoint of `size`. */
export interface ConsistencyProof {
  old: number;
  size: number;
  hashes: string[];
  checkpoint: string;
}

export const consistencyProof = (log: LogName, old: number, size?: number) =>
  api.get<ConsistencyProof>('/api/v1/tecp/consistency', { query: { log, old, size } });
