/**
 * The per-entry checks of one log in a bundle, streamed: `<log>/entries.jsonl` line by line side by
 * side with `<log>/proofs` block by block (a second reader of the same file), so memory stays flat
 * for any number of entries. Each line: ascending log index, inclusion proof against the bundle's
 * checkpoint, the query, and for receipts the signature (worker pool) and the retained content.
 */
import { createHash } from 'node:crypto';
import {
  type Checkpoint,
  canonicalBytes,
  InclusionBatchVerifier,
  type InclusionBlock,
  leafHash,
  parseInclusionBlockStream,
} from '../../../evidence/core/index.js';
import { lines, memberBody } from '../archive.js';
import { auditMismatch, type BundleLog, type BundleQuery, PATHS } from '../format.js';
import type { ContentChecker } from './content.js';
import type { Check } from './report.js';
import type { SignaturePool } from './signature-pool.js';

export interface EntriesContext {
  file: string;
  root: string;
  log: BundleLog;
  checkpoint: Checkpoint;
  query: BundleQuery;
  check: Check;
  /** Receipts only: parses each receipt, checks it against the query and verifies its signature. */
  signatures?: SignaturePool;
  /** Receipts only: matches content lines to receipts. */
  content?: ContentChecker;
}

/** Reads proof blocks on demand; a malformed proofs file ends the proofs with one error. */
class ProofCursor {
  readonly #it: AsyncIterator<InclusionBlock>;
  #broken = false;

  constructor(
    source: AsyncIterable<Buffer>,
    private readonly check: Check,
    private readonly path: string,
  ) {
    this.#it = parseInclusionBlockStream(source)[Symbol.asyncIterator]();
  }

  async next(): Promise<InclusionBlock | undefined> {
    if (this.#broken) return undefined;
    try {
      const step = await this.#it.next();
      return step.done ? undefined : step.value;
    } catch (err) {
      this.#broken = true;
      this.check.fail(`${this.path}: ${(err as Error).message}`);
      return undefined;
    }
  }

  async close(): Promise<void> {
    await this.#it.return?.();
  }
}

/**
 * Verifies the entries of one log; returns the number of lines and the SHA-256 of the entries
 * member (hashed here while it is read).
 */
export async function verifyEntries(
  ctx: EntriesContext,
  body: AsyncIterable<Buffer>,
): Promise<{ count: number; sha256: string; bytes: number }> {
  const { check, log, checkpoint } = ctx;
  const entriesPath = PATHS.entries(log);
  const proofsPath = PATHS.proofs(log);
  const hash = createHash('sha256');
  let bytes = 0;
  const hashed = (async function* () {
    for await (const chunk of body) {
      hash.update(chunk);
      bytes += chunk.length;
      yield chunk;
    }
  })();
  const proofs = new ProofCursor(memberBody(ctx.file, `${ctx.root}/${proofsPath}`), check, proofsPath);
  const inclusion = new InclusionBatchVerifier(checkpoint.size, checkpoint.rootHash);
  let count = 0;
  let previous = -1;
  let proofsEnded = false;
  let failedInclusions = 0;
  try {
    for await (const { line, unterminated } of lines(hashed)) {
      count++;
      const at = `${entriesPath} line ${count}`;
      if (unterminated) check.fail(`${at}: the file does not end with a newline`);
      const block = proofsEnded ? undefined : await proofs.next();
      if (block === undefined && !proofsEnded) {
        proofsEnded = true;
        check.fail(
          `${proofsPath} has fewer proof blocks than ${entriesPath} has lines (none for line ${count})`,
        );
      }
      const where = block === undefined ? at : `${at} (log index ${block.index})`;
      if (block !== undefined) {
        if (block.index <= previous) {
          check.fail(
            `${where}: index ${block.index} is not above the previous line's ${previous} (entries reordered or repeated)`,
          );
        }
        previous = Math.max(previous, block.index);
        if (block.index >= checkpoint.size) {
          check.fail(`${where}: index ${block.index} is outside the tree of size ${checkpoint.size}`);
          failedInclusions++;
        } else if (!inclusion.verify(block.index, leafHash(line), block.hashes)) {
          check.fail(`${where}: inclusion proof does not verify against ${PATHS.checkpoint(log)}`);
          failedInclusions++;
        }
      }
      const text = line.toString('utf8');
      if (log === 'receipts' && ctx.signatures !== undefined && ctx.content === undefined) {
        // Parsing, the query and the signature are checked on the worker threads.
        await ctx.signatures.add(where, text);
        continue;
      }
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        check.fail(`${where}: the entry is not JSON`);
        continue;
      }
      if (log === 'receipts') {
        await ctx.signatures?.add(where, text);
        if (block !== undefined) await ctx.content?.receipt(block.index, value);
        continue;
      }
      const mismatch = auditMismatch(value, ctx.query);
      if (mismatch !== undefined) check.fail(`${where}: outside the export's query: ${mismatch}`);
      if (!canonicalBytes(value).equals(line)) {
        check.fail(`${where}: the audit event is not in RFC 8785 canonical form`);
      }
    }
    if (!proofsEnded && (await proofs.next()) !== undefined) {
      check.fail(`${proofsPath} has more proof blocks than ${entriesPath} has lines`);
    }
  } finally {
    await proofs.close();
  }
  if (failedInclusions === 0 && count > 0) check.note(`${count} inclusion proofs verify`);
  return { count, sha256: hash.digest('hex'), bytes };
}
