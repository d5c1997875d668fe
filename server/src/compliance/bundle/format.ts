/**
 * The compliance export bundle (EVIDENCE.md §3): member paths, the manifest, the text signed in
 * manifest.sig, and which log entries a query selects. Shared by the writer (in the appliance) and
 * the offline verifier (`aila verify-bundle`), so both read the format from one place.
 */

/** `manifest.json` `format`. */
export const BUNDLE_FORMAT = 'ai-la-compliance-export/1';

/** First line of the note signed in `manifest.sig`. */
export const MANIFEST_SIG_CONTEXT = 'ai-la/compliance-export/v1';

/** What a bundle may include. */
export const INCLUDE_PARTS = ['receipts', 'audit', 'content'] as const;
export type IncludePart = (typeof INCLUDE_PARTS)[number];

/** The two logs a bundle may carry, in archive order. */
export const BUNDLE_LOGS = ['receipts', 'audit'] as const;
export type BundleLog = (typeof BUNDLE_LOGS)[number];

/** The selection a bundle was made for (manifest `query`). Empty lists select everything. */
export interface BundleQuery {
  /** RFC 3339, inclusive. */
  from: string;
  /** RFC 3339, exclusive. */
  to: string;
  teams: string[];
  users: string[];
  models: string[];
  ops: string[];
  include: IncludePart[];
}

export interface ManifestLog {
  origin: string;
  /** Tree size of `<log>/checkpoint`, which every proof is against. */
  size: number;
  vkey: string;
  /** Tree size of `<log>/checkpoint.old`, when the request named an earlier tree. */
  since_size?: number;
}

export interface ManifestFile {
  path: string;
  /** Lowercase hex SHA-256 of the member's bytes. */
  sha256: string;
  bytes: number;
}

/** `manifest.json` (EVIDENCE.md §3). */
export interface Manifest {
  format: typeof BUNDLE_FORMAT;
  export_id: string;
  created_at: string;
  requested_by: string;
  query: BundleQuery;
  appliance: { version: string; code_ref: string };
  logs: Partial<Record<BundleLog, ManifestLog>>;
  counts: Partial<Record<BundleLog | 'content', number>>;
  files: ManifestFile[];
}

/** The directory every member lives in. */
export const bundleRoot = (exportId: string): string => `aila-export-${exportId}`;

/** Member paths relative to the bundle root. */
export const PATHS = {
  manifest: 'manifest.json',
  manifestSig: 'manifest.sig',
  verifyDoc: 'VERIFY.md',
  jwks: 'keys/jwks.json',
  vkey: (log: BundleLog) => `keys/${log}.vkey`,
  checkpoint: (log: BundleLog) => `${log}/checkpoint`,
  entries: (log: BundleLog) => `${log}/entries.jsonl`,
  proofs: (log: BundleLog) => `${log}/proofs`,
  checkpointOld: (log: BundleLog) => `${log}/checkpoint.old`,
  consistency: (log: BundleLog) => `${log}/consistency`,
  content: 'content/operations.jsonl',
} as const;

/** The note text of `manifest.sig`: context, export id, b64 SHA-256 of manifest.json (EVIDENCE.md §3). */
export function manifestSigText(exportId: string, manifestSha256: Buffer): string {
  return `${MANIFEST_SIG_CONTEXT}\n${exportId}\n${manifestSha256.toString('base64')}\n`;
}

/** One line of `content/operations.jsonl`: what an operation sent and received, or that it was shredded. */
export interface ContentLine {
  request_id: string;
  /** Index of the operation's receipt in the receipts log. */
  index: number;
  op: string;
  user: string;
  team: string;
  created_at: string;
  shredded: boolean;
  /** SHA-256 of the decoded bytes is the receipt's input_hash; null when shredded. */
  input: { media_type: string; base64: string } | null;
  output: { media_type: string; base64: string } | null;
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

const inList = (list: readonly string[], value: unknown): boolean =>
  list.length === 0 || (typeof value === 'string' && list.includes(value));

/** The query's time window in Unix ms. */
export function queryWindow(query: BundleQuery): { from: number; to: number } {
  return { from: Date.parse(query.from), to: Date.parse(query.to) };
}

/**
 * Why a receipt is outside the query, or undefined when it matches: `ts` in [from, to), and for each
 * non-empty list, `ext.team`, `ext.subject`, `ext.model`, `ext.op` in it.
 */
export function receiptMismatch(receipt: unknown, query: BundleQuery): string | undefined {
  if (!isRecord(receipt)) return 'not a JSON object';
  const { from, to } = queryWindow(query);
  const ts = receipt.ts;
  if (typeof ts !== 'number' || ts < from || ts >= to) return `ts ${String(ts)} is outside [from, to)`;
  const ext = isRecord(receipt.ext) ? receipt.ext : {};
  if (!inList(query.teams, ext.team))
    return `ext.team ${JSON.stringify(ext.team)} is not in the query's teams`;
  if (!inList(query.users, ext.subject))
    return `ext.subject ${JSON.stringify(ext.subject)} is not in the query's users`;
  if (!inList(query.models, ext.model))
    return `ext.model ${JSON.stringify(ext.model)} is not in the query's models`;
  if (!inList(query.ops, ext.op)) return `ext.op ${JSON.stringify(ext.op)} is not in the query's ops`;
  return undefined;
}

/**
 * Why an audit event is outside the query, or undefined when it matches: `ts` in [from, to); when
 * users or teams are given, the event's actor is one of the users, or its target is one of the users
 * (`user`) or teams (`team`). Models and ops do not apply to audit events.
 */
export function auditMismatch(event: unknown, query: BundleQuery): string | undefined {
  if (!isRecord(event)) return 'not a JSON object';
  const { from, to } = queryWindow(query);
  const ts = event.ts;
  if (typeof ts !== 'number' || ts < from || ts >= to) return `ts ${String(ts)} is outside [from, to)`;
  if (query.users.length === 0 && query.teams.length === 0) return undefined;
  const actor = isRecord(event.actor) ? event.actor : {};
  const target = isRecord(event.target) ? event.target : {};
  const hit =
    (typeof actor.id === 'string' && query.users.includes(actor.id)) ||
    (target.type === 'user' && typeof target.id === 'string' && query.users.includes(target.id)) ||
    (target.type === 'team' && typeof target.id === 'string' && query.teams.includes(target.id));
  return hit ? undefined : "neither its actor nor its target is among the query's users and teams";
}
