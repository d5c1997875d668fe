/**
 * Phase one of an export: each log's selected entries and their inclusion proofs, against the
 * pinned checkpoint, written to the job's work directory page by page (EVIDENCE.md §3: one leaf per
 * line; proof blocks of §2.2 in the same order). Memory holds one page, whatever the entry count.
 */
import { join } from 'node:path';
import type { Knex } from 'knex';
import {
  b64Encode,
  formatInclusionBlock,
  INCLUSION_BLOCK_SEPARATOR,
  inclusionProofSubtrees,
  inclusionProofWith,
  type SubtreeId,
} from '../../evidence/core/index.js';
import { type LogName, type TileStore, withConnection } from '../../evidence/index.js';
import type { Db } from '../../platform/db/knex.js';
import { type ContentLine, PATHS } from '../bundle/format.js';
import type { ContentReader } from './content-reader.js';
import { type EntryFilter, entryPage, type SelectedEntry } from './entry-repository.js';
import { type Digest, HashingFile } from './files.js';

export interface LogDataResult {
  count: number;
  entries: Digest;
  proofs: Digest;
}

export interface LogDataOptions {
  db: Knex;
  tiles: TileStore;
  work: string;
  log: { name: LogName; id: number };
  size: number;
  filter: EntryFilter;
  pageSize: number;
  /** Called after each page with the entries written so far; throwing aborts the export. */
  onProgress: (written: number) => Promise<void>;
  /** Receipts only, when the export includes content. */
  content?: { reader: ContentReader; file: HashingFile; db: Db; onRead: (n: number) => void };
}

const NL = Buffer.from('\n');

/** The proof blocks of one page against the tree of `size` leaves (one tile query for the page). */
async function pageProofs(
  tiles: TileStore,
  log: number,
  size: number,
  page: readonly SelectedEntry[],
): Promise<Buffer> {
  // Neighbouring entries share most of their paths: ask for each subtree once.
  const seen = new Set<number>();
  const ids: SubtreeId[] = [];
  for (const e of page) {
    for (const id of inclusionProofSubtrees(e.index, size)) {
      const key = id.index * 64 + id.level;
      if (seen.has(key)) continue;
      seen.add(key);
      ids.push(id);
    }
  }
  const lookup = await tiles.lookup(log, ids);
  return Buffer.from(
    page
      .map((e) => formatInclusionBlock({ index: e.index, hashes: inclusionProofWith(e.index, size, lookup) }))
      .join(INCLUSION_BLOCK_SEPARATOR),
    'utf8',
  );
}

/** Content lines of a page of receipts, in the page's order; shredded operations are listed as such. */
async function contentLines(
  content: NonNullable<LogDataOptions['content']>,
  page: readonly SelectedEntry[],
): Promise<Buffer> {
  const byRequest = new Map(
    page.filter((e) => e.requestId !== null).map((e) => [e.requestId as string, e.index]),
  );
  const out: string[] = [];
  const ids = [...byRequest.keys()];
  for (let i = 0; i < ids.length; i += 500) {
    const ops = await content.reader.readOperations(content.db, ids.slice(i, i + 500));
    content.onRead(ops.length);
    for (const op of ops) {
      const line: ContentLine = {
        request_id: op.requestId,
        index: byRequest.get(op.requestId) as number,
        op: op.op,
        user: op.userId,
        team: op.teamId ?? '',
        created_at: op.createdAt.toISOString(),
        shredded: op.shredded,
        input: op.input && { media_type: op.input.mediaType, base64: b64Encode(op.input.bytes) },
        output: op.output && { media_type: op.output.mediaType, base64: b64Encode(op.output.bytes) },
      };
      out.push(`${JSON.stringify(line)}\n`);
    }
  }
  return Buffer.from(out.join(''), 'utf8');
}

/** Writes `<log>/entries.jsonl` and `<log>/proofs` into the work directory. */
export async function writeLogData(opts: LogDataOptions): Promise<LogDataResult> {
  const { log, size } = opts;
  const entries = new HashingFile(join(opts.work, PATHS.entries(log.name).replace('/', '-')));
  const proofs = new HashingFile(join(opts.work, PATHS.proofs(log.name).replace('/', '-')));
  let count = 0;
  let first = 0;
  try {
    for (;;) {
      const page = await withConnection(opts.db, (c) =>
        entryPage(c, log.name, { first, size }, opts.filter, opts.pageSize),
      );
      if (page.length === 0) break;
      await entries.write(Buffer.concat(page.flatMap((e) => [e.data, NL])));
      if (count > 0) await proofs.write(Buffer.from(INCLUSION_BLOCK_SEPARATOR));
      await proofs.write(await pageProofs(opts.tiles, log.id, size, page));
      if (opts.content !== undefined) await opts.content.file.write(await contentLines(opts.content, page));
      count += page.length;
      first = (page.at(-1) as SelectedEntry).index + 1;
      await opts.onProgress(count);
      if (page.length < opts.pageSize) break;
    }
    // The last block ends with its last hash line; the file needs no trailing separator (§2.2).
    return { count, entries: await entries.close(), proofs: await proofs.close() };
  } catch (err) {
    entries.destroy();
    proofs.destroy();
    throw err;
  }
}
