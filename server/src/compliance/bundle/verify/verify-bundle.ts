/**
 * Offline verification of a compliance export bundle (EVIDENCE.md §3): no database, no network.
 * One pass over the archive hashes every member and checks the small ones as they arrive (the bundle
 * writer puts them first); each log's entries are checked while they stream, next to their proofs.
 */
import { createHash } from 'node:crypto';
import { memberBody, openArchive } from '../archive.js';
import { BUNDLE_LOGS, type BundleLog, type Manifest, PATHS } from '../format.js';
import { TarFormatError, TruncatedArchiveError } from '../tar.js';
import { ContentChecker } from './content.js';
import { verifyEntries } from './entries.js';
import { type BundleReport, Checks } from './report.js';
import {
  checkLogCheckpoints,
  checkManifest,
  checkSignatureAndKeys,
  checkSince,
  type PinnedMaterial,
  type Setup,
} from './setup.js';
import { SignaturePool } from './signature-pool.js';

export type { PinnedMaterial } from './setup.js';

/** Small members are read whole; anything larger than this is not a manifest, key or checkpoint. */
const SMALL_LIMIT = 4 << 20;
const ROOT_RE = /^aila-export-([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

const isData = (path: string) =>
  path === PATHS.content || BUNDLE_LOGS.some((l) => path === PATHS.entries(l) || path === PATHS.proofs(l));

async function hashBody(
  body: AsyncIterable<Buffer>,
  keep: boolean,
): Promise<{ sha256: string; bytes: number; data?: Buffer }> {
  const hash = createHash('sha256');
  const parts: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of body) {
    hash.update(chunk);
    bytes += chunk.length;
    if (keep) parts.push(Buffer.from(chunk));
  }
  return { sha256: hash.digest('hex'), bytes, ...(keep ? { data: Buffer.concat(parts) } : {}) };
}

/** Verifies a bundle file; never throws for a bad bundle (the report says what is wrong). */
export async function verifyBundle(file: string, pinned: PinnedMaterial = {}): Promise<BundleReport> {
  const checks = new Checks();
  const archive = checks.get('archive');
  const seen = new Map<string, { sha256: string; bytes: number }>();
  const small = new Map<string, Buffer>();
  let root: string | undefined;
  let exportId: string | undefined;
  let manifest: Manifest | undefined;
  let setup: Setup | undefined;
  const counts: Partial<Record<BundleLog, number>> = {};
  const content = pinnedContent(file, checks);
  try {
    for await (const entry of openArchive(file)) {
      const slash = entry.path.indexOf('/');
      const top = slash < 0 ? entry.path : entry.path.slice(0, slash);
      const rel = slash < 0 ? '' : entry.path.slice(slash + 1);
      if (root === undefined) {
        root = top;
        exportId = ROOT_RE.exec(top)?.[1];
        if (exportId === undefined) archive.fail(`the top directory ${top} is not aila-export-<export id>`);
      }
      if (top !== root || rel === '') {
        archive.fail(`${entry.path} is outside the bundle directory ${root}`);
        continue;
      }
      if (seen.has(rel)) archive.fail(`${rel} appears twice in the archive`);
      const log = BUNDLE_LOGS.find((l) => rel === PATHS.entries(l));
      if (log !== undefined) {
        if (setup === undefined) ({ manifest, setup } = prepare(checks, small, exportId ?? '', pinned));
        const result = await checkLog(
          file,
          root,
          log,
          manifest,
          setup,
          checks,
          small,
          entry.body,
          content,
          pinned.jwks !== undefined,
        );
        seen.set(rel, result);
        counts[log] = result.count;
        continue;
      }
      const hashed = await hashBody(entry.body, !isData(rel) && entry.size <= SMALL_LIMIT);
      seen.set(rel, hashed);
      if (hashed.data !== undefined) small.set(rel, hashed.data);
    }
    archive.note(`${seen.size} files; gzip, tar and end-of-archive intact`);
  } catch (err) {
    if (err instanceof TruncatedArchiveError) archive.fail(`the archive is truncated: ${err.message}`);
    else if (err instanceof TarFormatError) archive.fail(`not a bundle archive: ${err.message}`);
    else throw err;
  }
  if (setup === undefined) ({ manifest, setup } = prepare(checks, small, exportId ?? '', pinned));
  if (manifest !== undefined) {
    checkFiles(checks, manifest, seen);
    checkCounts(checks, manifest, counts, seen);
    if (pinned.sinceCheckpoints !== undefined)
      checkSince(checks, small, manifest, pinned.sinceCheckpoints, setup.verifiers);
  }
  await content?.finish();
  const list = checks.list();
  return { file, exportId, valid: list.every((c) => c.ok), checks: list };
}

/** A content checker when the archive has content (it is opened lazily by the receipts pass). */
function pinnedContent(
  file: string,
  checks: Checks,
): { checker(root: string): ContentChecker; finish(): Promise<void> } {
  let made: ContentChecker | undefined;
  return {
    checker(root) {
      made ??= new ContentChecker(memberBody(file, `${root}/${PATHS.content}`), checks.get('content'));
      return made;
    },
    async finish() {
      if (made === undefined) return;
      await made.finish();
      checks
        .get('content')
        .note(`${made.matched} operations match their receipts' hashes, ${made.shredded} shredded`);
    },
  };
}

function prepare(
  checks: Checks,
  small: Map<string, Buffer>,
  exportId: string,
  pinned: PinnedMaterial,
): { manifest: Manifest | undefined; setup: Setup } {
  const manifest = checkManifest(checks, small, exportId);
  return { manifest, setup: checkSignatureAndKeys(checks, small, manifest, pinned) };
}

async function checkLog(
  file: string,
  root: string,
  log: BundleLog,
  manifest: Manifest | undefined,
  setup: Setup,
  checks: Checks,
  small: Map<string, Buffer>,
  body: AsyncIterable<Buffer>,
  content: ReturnType<typeof pinnedContent>,
  pinnedJwks: boolean,
): Promise<{ sha256: string; bytes: number; count: number }> {
  const checkpoint = manifest && checkLogCheckpoints(checks, small, manifest, log, setup.verifiers[log]);
  const check = checks.get(`${log} entries`);
  if (manifest === undefined || checkpoint === undefined) {
    check.fail(`${PATHS.entries(log)} cannot be checked without a valid manifest and checkpoint`);
    return { ...(await hashBody(body, false)), count: 0 };
  }
  const signatures =
    log === 'receipts'
      ? new SignaturePool(
          { keys: setup.receiptKeys, query: manifest.query, origin: manifest.logs.receipts?.origin ?? '' },
          (where, result) => {
            for (const e of result.errors) check.fail(`${where}: ${e}`);
          },
        )
      : undefined;
  try {
    const hasContent = log === 'receipts' && manifest.files.some((f) => f.path === PATHS.content);
    const result = await verifyEntries(
      {
        file,
        root,
        log,
        checkpoint,
        query: manifest.query,
        check,
        ...(signatures ? { signatures } : {}),
        ...(hasContent ? { content: content.checker(root) } : {}),
      },
      body,
    );
    await signatures?.drain();
    if (log === 'receipts' && check.ok)
      check.note(
        `${result.count} receipt signatures verify (archival mode, ${pinnedJwks ? 'the --jwks keys' : 'keys/jwks.json'})`,
      );
    if (check.ok) check.note(`all ${result.count} entries match the query`);
    return result;
  } finally {
    await signatures?.close();
  }
}

/** Every member is listed in the manifest with its SHA-256 and size, and nothing else is in the archive. */
function checkFiles(
  checks: Checks,
  manifest: Manifest,
  seen: Map<string, { sha256: string; bytes: number }>,
): void {
  const check = checks.get('files');
  const listed = new Set<string>();
  for (const f of manifest.files) {
    listed.add(f.path);
    const got = seen.get(f.path);
    if (got === undefined) check.fail(`${f.path} is listed in the manifest but missing from the archive`);
    else if (got.sha256 !== f.sha256 || got.bytes !== f.bytes) {
      check.fail(
        `${f.path}: SHA-256 ${got.sha256} (${got.bytes} bytes) does not match the manifest's ${f.sha256} (${f.bytes} bytes)`,
      );
    }
  }
  for (const path of seen.keys()) {
    if (path !== PATHS.manifest && path !== PATHS.manifestSig && !listed.has(path)) {
      check.fail(`${path} is in the archive but not in the manifest`);
    }
  }
  if (check.ok) check.note(`${manifest.files.length} files match the manifest's SHA-256 and sizes`);
}

function checkCounts(
  checks: Checks,
  manifest: Manifest,
  counts: Partial<Record<BundleLog, number>>,
  seen: Map<string, unknown>,
): void {
  for (const log of BUNDLE_LOGS) {
    if (manifest.logs[log] === undefined) continue;
    const check = checks.get(`${log} entries`);
    if (!seen.has(PATHS.entries(log))) {
      check.fail(`${PATHS.entries(log)} is missing`);
      continue;
    }
    if (counts[log] !== manifest.counts[log]) {
      check.fail(
        `${PATHS.entries(log)} has ${counts[log]} entries, the manifest counts ${manifest.counts[log]}`,
      );
    }
  }
}
