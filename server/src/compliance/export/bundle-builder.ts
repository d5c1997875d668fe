/**
 * Runs one export: phase one writes each log's entries and proofs (and content) to the job's work
 * directory, computing their SHA-256 and size; phase two writes the manifest, its signature and the
 * small members, then streams everything into the bundle file in the order the verifier reads it
 * (EVIDENCE.md §3: small members first, then each log's checkpoints, entries and proofs).
 */
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Knex } from 'knex';
import {
  formatConsistencyProof,
  formatVerifierKey,
  openCheckpoint,
  parseVerifierKey,
  signNote,
} from '../../evidence/core/index.js';
import { type EvidenceModule, type LogName, type TileStore, toJwk } from '../../evidence/index.js';
import { BUILD } from '../../platform/build-info.js';
import {
  BUNDLE_FORMAT,
  BUNDLE_LOGS,
  bundleRoot,
  type Manifest,
  type ManifestLog,
  manifestSigText,
  PATHS,
} from '../bundle/format.js';
import { verifyDoc } from '../bundle/verify-doc.js';
import type { ContentReader } from './content-reader.js';
import type { EntryFilter } from './entry-repository.js';
import { type ArchiveMember, type Digest, HashingFile, sha256Hex, writeArchive } from './files.js';
import { writeLogData } from './log-data.js';
import type { ExportRequest } from './request.js';

export interface BuildContext {
  db: Knex;
  evidence: EvidenceModule;
  tiles: TileStore;
  content: ContentReader | undefined;
  dir: string;
  gzipLevel: number;
  pageSize: number;
}

export interface BuildJob {
  id: string;
  attempt: number;
  requestedBy: string;
  createdAt: Date;
  request: ExportRequest;
}

export interface BuildProgress {
  /** Entries written so far (all logs), and the bytes of the bundle so far. */
  progress(written: number, bytes: number): Promise<void>;
  /** Called once content of `n` operations was read (break-glass access, audited by the caller). */
  contentRead(n: number): void;
}

export interface BuildResult {
  file: string;
  digest: Digest;
  counts: Manifest['counts'];
}

/**
 * File name of a bundle on the exports volume: one per attempt, so a replica that lost its lease and
 * has not noticed yet never writes over the files of the replica that took the job over.
 */
export const bundleFileName = (id: string, attempt: number) => `${bundleRoot(id)}-a${attempt}.tar.gz`;
/** Work directory of one attempt (removed when it ends, whatever the outcome). */
export const workDirOf = (dir: string, id: string, attempt: number) => join(dir, `.work-${id}-a${attempt}`);

const text = (s: string) => Buffer.from(s, 'utf8');

function filterOf(request: ExportRequest): EntryFilter {
  const q = request.query;
  return {
    from: Date.parse(q.from),
    to: Date.parse(q.to),
    teams: q.teams,
    users: q.users,
    models: q.models,
    ops: q.ops,
  };
}

/** The pinned checkpoint of a log, which must be signed by the current log key (it also signs manifest.sig). */
async function pinnedCheckpoint(ctx: BuildContext, log: LogName, size: number) {
  const descriptor = ctx.evidence.logs[log];
  const checkpoint = await ctx.evidence.proofs.checkpoint(descriptor, size);
  const vkey = formatVerifierKey(descriptor.origin, ctx.evidence.keys.log.publicKey);
  // A log key rotated since the pin: the sequencer re-signs the checkpoint shortly; the job is retried.
  openCheckpoint(checkpoint.note, [parseVerifierKey(vkey)], descriptor.origin);
  return { checkpoint, vkey };
}

/**
 * `checkpoint.old`: the auditor's own checkpoint, or the published one of that size, preferring one
 * signed by the current log key (which the bundle's vkey names); after a key rotation the auditor's
 * may be signed by the earlier key, which they then pin as well.
 */
async function oldCheckpoint(
  ctx: BuildContext,
  log: LogName,
  since: { size: number; note?: string },
  vkey: string,
): Promise<string> {
  const descriptor = ctx.evidence.logs[log];
  const stored = await ctx.evidence.proofs.checkpoint(descriptor, since.size).catch(() => undefined);
  const candidates = [since.note, stored?.note].filter((n): n is string => n !== undefined);
  const signedByCurrent = candidates.find((note) => {
    try {
      openCheckpoint(note, [parseVerifierKey(vkey)], descriptor.origin);
      return true;
    } catch {
      return false;
    }
  });
  return signedByCurrent ?? (candidates[0] as string);
}

/** Builds the bundle of `job`; returns its file and digest. The work directory is always removed. */
export async function buildBundle(
  ctx: BuildContext,
  job: BuildJob,
  report: BuildProgress,
): Promise<BuildResult> {
  const work = workDirOf(ctx.dir, job.id, job.attempt);
  await rm(work, { recursive: true, force: true });
  await mkdir(work, { recursive: true });
  try {
    return await build(ctx, job, report, work);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

async function build(
  ctx: BuildContext,
  job: BuildJob,
  report: BuildProgress,
  work: string,
): Promise<BuildResult> {
  const { evidence } = ctx;
  const { request } = job;
  const filter = filterOf(request);
  const logs = BUNDLE_LOGS.filter((l) => request.query.include.includes(l));
  const small: ArchiveMember[] = [];
  const data: Record<string, ArchiveMember[]> = {};
  const manifestLogs: Manifest['logs'] = {};
  const counts: Manifest['counts'] = {};
  const files: Manifest['files'] = [];
  const add = (
    list: ArchiveMember[],
    path: string,
    member: { data: Buffer } | { file: string; digest: Digest },
  ) => {
    if ('data' in member) {
      list.push({ path, data: member.data });
      files.push({ path, sha256: sha256Hex(member.data), bytes: member.data.length });
    } else {
      list.push({ path, file: { path: member.file, bytes: member.digest.bytes } });
      files.push({ path, ...member.digest });
    }
  };
  const content =
    request.query.include.includes('content') && ctx.content !== undefined
      ? new HashingFile(join(work, 'content-operations.jsonl'))
      : undefined;
  let written = 0;
  let contentLines = 0;
  for (const log of logs) {
    const size = request.pinned[log] as number;
    const { checkpoint, vkey } = await pinnedCheckpoint(ctx, log, size);
    const members: ArchiveMember[] = [];
    data[log] = members;
    add(members, PATHS.checkpoint(log), { data: text(checkpoint.note) });
    const entry: ManifestLog = { origin: evidence.logs[log].origin, size, vkey };
    const since = request.since[log];
    if (since !== undefined) {
      const proof = await evidence.proofs.consistency(evidence.logs[log], since.size, size);
      const old = await oldCheckpoint(ctx, log, since, vkey);
      add(members, PATHS.checkpointOld(log), { data: text(old) });
      add(members, PATHS.consistency(log), {
        data: text(formatConsistencyProof({ oldSize: since.size, hashes: proof.hashes })),
      });
      entry.since_size = since.size;
    }
    const base = written;
    const result = await writeLogData({
      db: ctx.db,
      tiles: ctx.tiles,
      work,
      log: { name: log, id: evidence.logs[log].id },
      size,
      filter,
      pageSize: ctx.pageSize,
      onProgress: (n) => report.progress(base + n, 0),
      ...(log === 'receipts' && content !== undefined && ctx.content !== undefined
        ? {
            content: {
              reader: ctx.content,
              file: content,
              db: ctx.db,
              onRead: (n) => {
                contentLines += n;
                report.contentRead(n);
              },
            },
          }
        : {}),
    });
    written += result.count;
    counts[log] = result.count;
    manifestLogs[log] = entry;
    add(members, PATHS.entries(log), { file: join(work, `${log}-entries.jsonl`), digest: result.entries });
    add(members, PATHS.proofs(log), { file: join(work, `${log}-proofs`), digest: result.proofs });
  }
  const contentMembers: ArchiveMember[] = [];
  if (content !== undefined) {
    const digest = await content.close();
    add(contentMembers, PATHS.content, { file: join(work, 'content-operations.jsonl'), digest });
  }

  const vkeys = {
    receipts: formatVerifierKey(evidence.logs.receipts.origin, evidence.keys.log.publicKey),
    audit: formatVerifierKey(evidence.logs.audit.origin, evidence.keys.log.publicKey),
  };
  const jwks = (await evidence.keys.stored()).filter((k) => k.purpose === 'receipts').map(toJwk);
  const createdAt = job.createdAt.toISOString();
  add(small, PATHS.verifyDoc, {
    data: text(
      verifyDoc({
        exportId: job.id,
        createdAt,
        requestedBy: job.requestedBy,
        from: request.query.from,
        to: request.query.to,
        vkeys,
        logs,
      }),
    ),
  });
  add(small, PATHS.jwks, { data: text(`${JSON.stringify({ keys: jwks }, null, 2)}\n`) });
  for (const log of BUNDLE_LOGS) add(small, PATHS.vkey(log), { data: text(`${vkeys[log]}\n`) });
  if (content !== undefined) counts.content = contentLines;

  const manifest: Manifest = {
    format: BUNDLE_FORMAT,
    export_id: job.id,
    created_at: createdAt,
    requested_by: job.requestedBy,
    query: request.query,
    appliance: { version: BUILD.version, code_ref: evidence.codeRef },
    logs: manifestLogs,
    counts,
    files,
  };
  const manifestBytes = text(`${JSON.stringify(manifest, null, 2)}\n`);
  const sig = await signNote(
    manifestSigText(job.id, Buffer.from(sha256Hex(manifestBytes), 'hex')),
    evidence.logs.receipts.origin,
    evidence.keys.log.signer,
  );
  const root = bundleRoot(job.id);
  const ordered: ArchiveMember[] = [
    { path: PATHS.manifest, data: manifestBytes },
    { path: PATHS.manifestSig, data: text(sig) },
    ...small,
    ...logs.flatMap((l) => data[l] as ArchiveMember[]),
    ...contentMembers,
  ].map((m) => ({ ...m, path: `${root}/${m.path}` }));
  const file = join(ctx.dir, bundleFileName(job.id, job.attempt));
  let lastReport = 0;
  const digest = await writeArchive(file, ordered, {
    gzipLevel: ctx.gzipLevel,
    mtimeMs: job.createdAt.getTime(),
    onBytes: (bytes) => {
      // The progress callback writes to the database: at most every 8 MiB.
      if (bytes - lastReport >= 8 << 20) {
        lastReport = bytes;
        void report.progress(written, bytes).catch(() => undefined);
      }
    },
  });
  return { file, digest, counts };
}
