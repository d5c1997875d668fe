/**
 * What an export request pins: the current signed checkpoint of each included log (every proof of the
 * bundle is against it), and the earlier tree to prove consistency from, given by size or by the
 * auditor's own checkpoint. A given checkpoint must be one of this log's, signed by one of its keys
 * (current or rotated), no larger than the current tree, and match the tree at its size.
 */
import { noteVerifier, openCheckpoint, parseCheckpoint, treeRoot } from '../../evidence/core/index.js';
import type { EvidenceModule, LogName } from '../../evidence/index.js';
import { AppError } from '../../platform/errors.js';
import type { BundleLog } from '../bundle/format.js';
import type { ExportRequest } from './request.js';

const invalid = (field: string, message: string) =>
  new AppError('VALIDATION_FAILED', undefined, [{ field: `body.${field}`, message }]);

export interface SinceInput {
  since_size?: number | { receipts?: number; audit?: number };
  since_checkpoint?: string | string[];
}

/** The tree size of each log's latest checkpoint. */
export async function pinLogs(
  evidence: EvidenceModule,
  logs: readonly BundleLog[],
): Promise<ExportRequest['pinned']> {
  const pinned: ExportRequest['pinned'] = {};
  for (const log of logs) {
    const latest = await evidence.proofs.latest(evidence.logs[log], true);
    if (latest === undefined || latest.size === 0) {
      throw new AppError('EXPORT_NO_CHECKPOINT', `The ${log} log has no signed checkpoint with entries yet.`);
    }
    pinned[log] = latest.size;
  }
  return pinned;
}

async function checkSize(
  evidence: EvidenceModule,
  log: LogName,
  size: number,
  pinned: number,
  field: string,
): Promise<void> {
  if (size > pinned) throw invalid(field, `is larger than the ${log} tree (${pinned} entries)`);
  try {
    await evidence.proofs.checkpoint(evidence.logs[log], size);
  } catch {
    throw invalid(
      field,
      `the ${log} log never published a checkpoint of size ${size}; give the size of one you hold`,
    );
  }
}

/** A checkpoint the auditor kept: which log, its size, and the note verbatim. */
async function keptCheckpoint(
  evidence: EvidenceModule,
  note: string,
  pinned: ExportRequest['pinned'],
  field: string,
): Promise<{ log: BundleLog; size: number; note: string }> {
  const text = note.endsWith('\n') ? note : `${note}\n`;
  const log = (['receipts', 'audit'] as const).find((l) => text.startsWith(`${evidence.logs[l].origin}\n`));
  if (log === undefined)
    throw invalid(field, "is not a checkpoint of this appliance's receipts or audit log");
  if (pinned[log] === undefined)
    throw invalid(field, `is of the ${log} log, which the export does not include`);
  const descriptor = evidence.logs[log];
  const keys = (await evidence.keys.stored()).filter((k) => k.purpose === `log:${log}`);
  let size: number;
  let root: Buffer;
  try {
    const opened = openCheckpoint(
      text,
      keys.map((k) => noteVerifier(descriptor.origin, k.publicKey)),
      descriptor.origin,
    );
    ({ size, rootHash: root } = opened.checkpoint);
  } catch (err) {
    // Distinguish a malformed text from a signature by some other key.
    try {
      parseCheckpoint(text.slice(0, text.indexOf('\n\n') + 1));
    } catch {
      throw invalid(field, 'is not a signed checkpoint (c2sp.org/tlog-checkpoint)');
    }
    throw invalid(field, `is not signed by a key of the ${log} log (${(err as Error).message})`);
  }
  const current = pinned[log] as number;
  if (size === 0) throw invalid(field, 'is of the empty tree: there is nothing to prove consistent');
  if (size > current)
    throw invalid(field, `has size ${size}, larger than the ${log} tree (${current} entries)`);
  const actual = await treeRoot(size, evidence.tiles.reader(descriptor.id));
  if (!actual.equals(root)) {
    throw new AppError(
      'EXPORT_CHECKPOINT_MISMATCH',
      `The ${log} checkpoint of size ${size} is signed by the log's key, but the log's tree of that size has another root.`,
    );
  }
  return { log, size, note: text };
}

/** The `since` part of the request, validated. */
export async function resolveSince(
  evidence: EvidenceModule,
  input: SinceInput,
  pinned: ExportRequest['pinned'],
): Promise<ExportRequest['since']> {
  const since: ExportRequest['since'] = {};
  if (input.since_size !== undefined && input.since_checkpoint !== undefined) {
    throw invalid('since_size', 'give since_size or since_checkpoint, not both');
  }
  if (input.since_size !== undefined) {
    const sizes = typeof input.since_size === 'number' ? { receipts: input.since_size } : input.since_size;
    for (const log of ['receipts', 'audit'] as const) {
      const size = sizes[log];
      if (size === undefined) continue;
      const field = typeof input.since_size === 'number' ? 'since_size' : `since_size.${log}`;
      const current = pinned[log];
      if (current === undefined) throw invalid(field, `the export does not include the ${log} log`);
      await checkSize(evidence, log, size, current, field);
      since[log] = { size };
    }
  }
  if (input.since_checkpoint !== undefined) {
    const notes =
      typeof input.since_checkpoint === 'string' ? [input.since_checkpoint] : input.since_checkpoint;
    for (const [i, note] of notes.entries()) {
      const field = typeof input.since_checkpoint === 'string' ? 'since_checkpoint' : `since_checkpoint.${i}`;
      const kept = await keptCheckpoint(evidence, note, pinned, field);
      if (since[kept.log] !== undefined) throw invalid(field, `a second checkpoint of the ${kept.log} log`);
      since[kept.log] = { size: kept.size, note: kept.note };
    }
  }
  return since;
}
