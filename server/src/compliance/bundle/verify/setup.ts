/**
 * The small members of a bundle, checked before its entries: manifest.json and its signature, the
 * keys (against pinned ones when given), each log's checkpoint, the earlier checkpoint and the
 * consistency proof between them (EVIDENCE.md §2.1, §2.2, §3).
 */
import { createHash } from 'node:crypto';
import {
  type Checkpoint,
  checkConsistencyText,
  type NoteVerifier,
  openCheckpoint,
  openNote,
  type PinnedKey,
  parseVerifierKey,
} from '../../../evidence/core/index.js';
import { BUNDLE_FORMAT, type BundleLog, type Manifest, manifestSigText, PATHS } from '../format.js';
import type { Checks } from './report.js';

/** Pinned material from the auditor (CLI flags); each list replaces what the bundle carries. */
export interface PinnedMaterial {
  /** Verifier keys of the receipts log (any of them may have signed). */
  receiptsVkeys?: string[];
  auditVkeys?: string[];
  /** Receipt signing keys (a JWKS kept from an earlier audit or fetched from the appliance). */
  jwks?: PinnedKey[];
  /** Checkpoints kept from the last audit; each must be proven a prefix of the bundle's tree. */
  sinceCheckpoints?: string[];
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

const text = (files: Map<string, Buffer>, path: string): string | undefined =>
  files.get(path)?.toString('utf8');

/** Parses `manifest.json`; returns undefined (with the reason reported) when it is unusable. */
export function checkManifest(
  checks: Checks,
  files: Map<string, Buffer>,
  exportId: string,
): Manifest | undefined {
  const check = checks.get('manifest');
  const raw = text(files, PATHS.manifest);
  if (raw === undefined) {
    check.fail('manifest.json is missing');
    return undefined;
  }
  let manifest: unknown;
  try {
    manifest = JSON.parse(raw);
  } catch {
    check.fail('manifest.json is not JSON');
    return undefined;
  }
  if (!isRecord(manifest) || manifest.format !== BUNDLE_FORMAT) {
    check.fail(`manifest.json is not of format ${BUNDLE_FORMAT}`);
    return undefined;
  }
  const m = manifest as unknown as Manifest;
  if (m.export_id !== exportId)
    check.fail(`export_id ${m.export_id} is not the bundle directory's ${exportId}`);
  if (!isRecord(m.query) || !Array.isArray(m.files) || !isRecord(m.logs) || !isRecord(m.counts)) {
    check.fail('manifest.json lacks query, logs, counts or files');
    return undefined;
  }
  for (const log of ['receipts', 'audit'] as const) {
    if (m.query.include.includes(log) !== (m.logs[log] !== undefined)) {
      check.fail(`logs.${log} does not match the query's include`);
    }
  }
  check.note(
    `export ${m.export_id} of ${m.created_at} by user ${m.requested_by}, ${m.query.from} to ${m.query.to}`,
  );
  return m;
}

function verifierKeys(
  checks: Checks,
  files: Map<string, Buffer>,
  log: BundleLog,
  pinned?: string[],
): NoteVerifier[] {
  const check = checks.get('keys');
  const path = PATHS.vkey(log);
  const own = text(files, path)?.trim();
  let bundleKey: NoteVerifier | undefined;
  try {
    if (own === undefined) throw new Error('missing');
    bundleKey = parseVerifierKey(own);
  } catch (err) {
    check.fail(`${path}: not a verifier key (${(err as Error).message})`);
  }
  if (pinned === undefined || pinned.length === 0) return bundleKey === undefined ? [] : [bundleKey];
  const keys = pinned.map((k) => parseVerifierKey(k));
  if (
    bundleKey !== undefined &&
    !keys.some((k) => k.keyId === bundleKey.keyId && k.publicKey.equals(bundleKey.publicKey))
  ) {
    check.fail(
      `${path} is not a pinned ${log} log key (--${log}-vkey): the bundle was signed by another key`,
    );
  } else {
    check.note(`${log} log key pinned`);
  }
  return keys;
}

/** The Ed25519 keys of a JWKS (`/.well-known/tecp-jwks`, keys/jwks.json) as a pinned key set. */
export function jwksKeys(jwks: unknown): PinnedKey[] {
  const keys = isRecord(jwks) && Array.isArray(jwks.keys) ? jwks.keys.filter(isRecord) : [];
  return keys.flatMap((k) =>
    k.kty === 'OKP' && k.crv === 'Ed25519' && typeof k.x === 'string'
      ? [
          {
            publicKey: k.x,
            ...(typeof k.nbf === 'number' ? { nbf: k.nbf } : {}),
            ...(typeof k.exp === 'number' ? { exp: k.exp } : {}),
          },
        ]
      : [],
  );
}

/** The receipt keys of keys/jwks.json (or the pinned set). */
function receiptKeys(checks: Checks, files: Map<string, Buffer>, pinned?: PinnedKey[]): PinnedKey[] {
  const check = checks.get('keys');
  let jwks: unknown;
  try {
    jwks = JSON.parse(text(files, PATHS.jwks) ?? '');
  } catch {
    check.fail(`${PATHS.jwks} is missing or not JSON`);
  }
  const own = jwksKeys(jwks);
  if (pinned === undefined) {
    check.note(`${own.length} receipt key(s) in ${PATHS.jwks}`);
    return own;
  }
  check.note(`receipt keys pinned (${pinned.length})`);
  return pinned;
}

export interface Setup {
  receiptKeys: PinnedKey[];
  verifiers: Record<BundleLog, NoteVerifier[]>;
}

/** Checks manifest.sig and the keys; returns the keys the rest of the bundle is verified with. */
export function checkSignatureAndKeys(
  checks: Checks,
  files: Map<string, Buffer>,
  manifest: Manifest | undefined,
  pinned: PinnedMaterial,
): Setup {
  const verifiers = {
    receipts: verifierKeys(checks, files, 'receipts', pinned.receiptsVkeys),
    audit: verifierKeys(checks, files, 'audit', pinned.auditVkeys),
  };
  for (const log of ['receipts', 'audit'] as const) {
    const listed = manifest?.logs[log]?.vkey;
    if (listed !== undefined && listed !== text(files, PATHS.vkey(log))?.trim()) {
      checks.get('keys').fail(`${PATHS.vkey(log)} is not the manifest's logs.${log}.vkey`);
    }
  }
  const check = checks.get('manifest signature');
  const sig = files.get(PATHS.manifestSig);
  const raw = files.get(PATHS.manifest);
  if (sig === undefined || raw === undefined || manifest === undefined) {
    check.fail('manifest.sig or manifest.json is missing or unusable');
  } else {
    try {
      const note = openNote(sig, verifiers.receipts);
      const expected = manifestSigText(manifest.export_id, createHash('sha256').update(raw).digest());
      if (note.text !== expected) {
        check.fail(
          'manifest.sig signs a different manifest.json: its SHA-256 does not match (the manifest was edited)',
        );
      } else {
        check.note(`signed by ${note.signatures.map((s) => s.name).join(', ')}`);
      }
    } catch (err) {
      check.fail(
        `manifest.sig: ${(err as Error).message} with the receipts log key${pinned.receiptsVkeys ? ' (pinned)' : ''}`,
      );
    }
  }
  return { receiptKeys: receiptKeys(checks, files, pinned.jwks), verifiers };
}

/** Checks one log's checkpoint (and the earlier one with its consistency proof); returns the checkpoint. */
export function checkLogCheckpoints(
  checks: Checks,
  files: Map<string, Buffer>,
  manifest: Manifest,
  log: BundleLog,
  verifiers: NoteVerifier[],
): Checkpoint | undefined {
  const check = checks.get(`${log} checkpoint`);
  const listed = manifest.logs[log];
  const note = files.get(PATHS.checkpoint(log));
  if (listed === undefined || note === undefined) {
    check.fail(`${PATHS.checkpoint(log)} is missing`);
    return undefined;
  }
  let checkpoint: Checkpoint;
  try {
    checkpoint = openCheckpoint(note, verifiers, listed.origin).checkpoint;
  } catch (err) {
    check.fail(`${PATHS.checkpoint(log)}: ${(err as Error).message} (signature by the ${log} log key)`);
    return undefined;
  }
  if (checkpoint.size !== listed.size)
    check.fail(`tree size ${checkpoint.size} is not the manifest's ${listed.size}`);
  check.note(`size ${checkpoint.size}, root ${checkpoint.rootHash.toString('base64')}, signature ok`);
  const oldNote = files.get(PATHS.checkpointOld(log));
  const proof = text(files, PATHS.consistency(log));
  if (listed.since_size === undefined && oldNote === undefined && proof === undefined) return checkpoint;
  const consistency = checks.get(`${log} consistency`);
  if (oldNote === undefined || proof === undefined) {
    consistency.fail(`${PATHS.checkpointOld(log)} and ${PATHS.consistency(log)} must both be present`);
    return checkpoint;
  }
  try {
    const old = openCheckpoint(oldNote, verifiers, listed.origin).checkpoint;
    if (listed.since_size !== undefined && old.size !== listed.since_size) {
      consistency.fail(
        `${PATHS.checkpointOld(log)} has size ${old.size}, the manifest says ${listed.since_size}`,
      );
    }
    checkConsistencyText(proof, old, checkpoint);
    consistency.note(
      `the tree of size ${old.size} is a prefix of the tree of size ${checkpoint.size} (RFC 9162 consistency proof)`,
    );
  } catch (err) {
    consistency.fail(`${(err as Error).message}`);
  }
  return checkpoint;
}

/** The auditor's kept checkpoints: each must be the bundle's checkpoint.old or its checkpoint. */
export function checkSince(
  checks: Checks,
  files: Map<string, Buffer>,
  manifest: Manifest,
  notes: string[],
  verifiers: Record<BundleLog, NoteVerifier[]>,
): void {
  const check = checks.get('since checkpoint');
  for (const note of notes) {
    const log = (['receipts', 'audit'] as const).find((l) => {
      const origin = manifest.logs[l]?.origin;
      return origin !== undefined && note.startsWith(`${origin}\n`);
    });
    if (log === undefined) {
      check.fail("the --since-checkpoint is of neither of the bundle's logs");
      continue;
    }
    let kept: Checkpoint;
    try {
      kept = openCheckpoint(note, verifiers[log]).checkpoint;
    } catch (err) {
      check.fail(
        `--since-checkpoint (${log}): ${(err as Error).message}; if the log key was rotated since, pin the earlier key too`,
      );
      continue;
    }
    const candidates = [PATHS.checkpointOld(log), PATHS.checkpoint(log)].flatMap((path) => {
      const n = files.get(path);
      if (n === undefined) return [];
      try {
        return [openCheckpoint(n, verifiers[log]).checkpoint];
      } catch {
        return [];
      }
    });
    const match = candidates.find((c) => c.size === kept.size && c.rootHash.equals(kept.rootHash));
    if (match === undefined) {
      check.fail(
        `your ${log} checkpoint (size ${kept.size}) is not the bundle's ${PATHS.checkpointOld(log)}: request the export with since_checkpoint set to it`,
      );
    } else {
      check.note(`your ${log} checkpoint of size ${kept.size} is proven a prefix of this bundle's tree`);
    }
  }
}
