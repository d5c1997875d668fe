/**
 * Text formats of EVIDENCE.md §2.2:
 * - single inclusion proof: c2sp.org/tlog-proof@v1;
 * - many inclusion proofs (export bundles): `index N` blocks separated by one
 *   empty line, with an incremental parser so bundles of any size stream;
 * - consistency proof: `old M` followed by hash lines (the body prefix of the
 *   c2sp.org/tlog-witness add-checkpoint request).
 * Hashes are padded standard base64 of 32 bytes, one per line.
 */
import { b64Decode, b64DecodeExact, b64Encode, b64EncodeInto } from './encoding.js';
import { HASH_SIZE } from './merkle.js';

/** First line of a c2sp.org/tlog-proof@v1 proof. */
export const TLOG_PROOF_HEADER = 'c2sp.org/tlog-proof@v1';

/** Error thrown for malformed proof text; `line` is 1-based when known. */
export class ProofFormatError extends Error {
  override readonly name = 'ProofFormatError';
  readonly line: number | undefined;

  constructor(message: string, line?: number) {
    super(line === undefined ? message : `line ${line}: ${message}`);
    this.line = line;
  }
}

/** A c2sp.org/tlog-proof@v1 proof. */
export interface TlogProof {
  index: number;
  /** RFC 9162 PATH order: the leaf's sibling first. */
  hashes: Buffer[];
  /** The signed checkpoint note, verbatim. */
  checkpoint: string;
  /** Opaque, unauthenticated extra data (the appliance writes none). */
  extra?: Buffer;
}

/** One inclusion proof block of an export bundle. */
export interface InclusionBlock {
  index: number;
  hashes: Buffer[];
}

/** A consistency proof PROOF(M, D[N]). */
export interface ConsistencyProofText {
  oldSize: number;
  hashes: Buffer[];
}

const DECIMAL_RE = /^(0|[1-9][0-9]*)$/;

function parseDecimal(text: string, what: string, line: number): number {
  const n = DECIMAL_RE.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(n))
    throw new ProofFormatError(`${what} must be decimal without leading zeros`, line);
  return n;
}

function parseHashLine(text: string, line: number): Buffer {
  try {
    return b64DecodeExact(text, HASH_SIZE);
  } catch {
    throw new ProofFormatError('expected a base64 SHA-256 hash', line);
  }
}

function checkCount(n: number, what: string): void {
  if (!Number.isSafeInteger(n) || n < 0) throw new ProofFormatError(`${what} must be a non-negative integer`);
}

function hashLines(hashes: readonly Uint8Array[]): string {
  return hashes
    .map((h) => {
      if (h.length !== HASH_SIZE) throw new ProofFormatError('every proof hash must be 32 bytes');
      return `${b64Encode(h)}\n`;
    })
    .join('');
}

/** Formats a c2sp.org/tlog-proof@v1 proof. */
export function formatTlogProof(proof: TlogProof): string {
  checkCount(proof.index, 'index');
  if (!proof.checkpoint.endsWith('\n')) throw new ProofFormatError('checkpoint must end with a newline');
  const extra = proof.extra === undefined ? '' : `extra ${b64Encode(proof.extra)}\n`;
  return `${TLOG_PROOF_HEADER}\n${extra}index ${proof.index}\n${hashLines(proof.hashes)}\n${proof.checkpoint}`;
}

/** Base64 line of one 32-byte hash: 44 characters and a newline. */
const HASH_LINE_BYTES = 45;
const NEWLINE = 0x0a;

/**
 * The same bytes as the UTF-8 of `formatTlogProof` (without extra data), written straight into one
 * buffer: the checkpoint note is given as its UTF-8 bytes, so a server can encode it once.
 */
export function tlogProofBytes(index: number, hashes: readonly Uint8Array[], checkpoint: Uint8Array): Buffer {
  checkCount(index, 'index');
  if (checkpoint[checkpoint.length - 1] !== NEWLINE) {
    throw new ProofFormatError('checkpoint must end with a newline');
  }
  const head = `${TLOG_PROOF_HEADER}\nindex ${index}\n`;
  const out = Buffer.allocUnsafe(head.length + hashes.length * HASH_LINE_BYTES + 1 + checkpoint.length);
  let at = out.write(head, 0, 'latin1');
  for (const h of hashes) {
    if (h.length !== HASH_SIZE) throw new ProofFormatError('every proof hash must be 32 bytes');
    at = b64EncodeInto(h, out, at);
    out[at++] = NEWLINE;
  }
  out[at++] = NEWLINE;
  out.set(checkpoint, at);
  return out;
}

/**
 * Parses a c2sp.org/tlog-proof@v1 proof strictly. The checkpoint is returned
 * verbatim; open it with `openCheckpoint` to verify it.
 */
export function parseTlogProof(text: string): TlogProof {
  let pos = 0;
  let lineNo = 0;
  const nextLine = (): string => {
    const end = text.indexOf('\n', pos);
    lineNo++;
    if (end < 0) throw new ProofFormatError('unexpected end of proof', lineNo);
    const line = text.slice(pos, end);
    pos = end + 1;
    return line;
  };
  if (nextLine() !== TLOG_PROOF_HEADER)
    throw new ProofFormatError(`first line must be ${TLOG_PROOF_HEADER}`, 1);
  let line = nextLine();
  let extra: Buffer | undefined;
  if (line.startsWith('extra ')) {
    try {
      extra = b64Decode(line.slice('extra '.length));
    } catch {
      throw new ProofFormatError('extra data must be base64', lineNo);
    }
    line = nextLine();
  }
  if (!line.startsWith('index ')) throw new ProofFormatError('expected "index N"', lineNo);
  const index = parseDecimal(line.slice('index '.length), 'index', lineNo);
  const hashes: Buffer[] = [];
  for (line = nextLine(); line !== ''; line = nextLine()) hashes.push(parseHashLine(line, lineNo));
  const checkpoint = text.slice(pos);
  if (checkpoint === '' || !checkpoint.endsWith('\n')) {
    throw new ProofFormatError('the checkpoint must follow the empty line', lineNo + 1);
  }
  return extra === undefined ? { index, hashes, checkpoint } : { index, hashes, checkpoint, extra };
}

/** Formats one inclusion proof block (`index N\n` then hash lines), without separator. */
export function formatInclusionBlock(block: InclusionBlock): string {
  checkCount(block.index, 'index');
  return `index ${block.index}\n${hashLines(block.hashes)}`;
}

/** What to write between two consecutive blocks: one empty line. */
export const INCLUSION_BLOCK_SEPARATOR = '\n';

/** Formats a whole proofs file: blocks separated by one empty line. */
export function formatInclusionBlocks(blocks: Iterable<InclusionBlock>): string {
  return [...blocks].map(formatInclusionBlock).join(INCLUSION_BLOCK_SEPARATOR);
}

/**
 * Incremental parser of inclusion proof blocks: feed text chunks of any size
 * with `push`, call `end` once. Memory use is bounded by one block.
 */
export class InclusionBlockParser {
  #pending = '';
  #line = 0;
  #current: InclusionBlock | undefined;
  #afterSeparator = false;
  #ended = false;
  /**
   * The previous block's hash lines and their decoded hashes: consecutive entries share most of
   * their audit paths, so a line equal to the previous block's at the same position is not decoded
   * again (the text, hence the hash, is the same).
   */
  #previousLines: string[] = [];
  #previousHashes: Buffer[] = [];
  #lines: string[] = [];

  /** Consumes a chunk and returns the blocks it completed. */
  push(chunk: string): InclusionBlock[] {
    if (this.#ended) throw new Error('parser already ended');
    const done: InclusionBlock[] = [];
    const text = this.#pending + chunk;
    let start = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
      const block = this.#consume(text.slice(start, nl));
      if (block !== undefined) done.push(block);
      start = nl + 1;
    }
    this.#pending = text.slice(start);
    return done;
  }

  /** Finishes parsing and returns the last block, if any. */
  end(): InclusionBlock[] {
    this.#ended = true;
    if (this.#pending !== '') throw new ProofFormatError('text must end with a newline', this.#line + 1);
    if (this.#afterSeparator) throw new ProofFormatError('empty line not followed by a block', this.#line);
    const last = this.#current;
    this.#current = undefined;
    return last === undefined ? [] : [last];
  }

  #consume(line: string): InclusionBlock | undefined {
    this.#line++;
    if (line.startsWith('index ')) {
      if (this.#current !== undefined)
        throw new ProofFormatError('blocks must be separated by an empty line', this.#line);
      this.#current = { index: parseDecimal(line.slice('index '.length), 'index', this.#line), hashes: [] };
      this.#afterSeparator = false;
      this.#lines = [];
      return undefined;
    }
    if (line === '') {
      if (this.#current === undefined) throw new ProofFormatError('unexpected empty line', this.#line);
      const block = this.#current;
      this.#current = undefined;
      this.#afterSeparator = true;
      this.#previousLines = this.#lines;
      this.#previousHashes = block.hashes;
      return block;
    }
    if (this.#current === undefined) throw new ProofFormatError('expected "index N"', this.#line);
    const k = this.#current.hashes.length;
    const same = this.#previousLines[k] === line ? this.#previousHashes[k] : undefined;
    this.#current.hashes.push(same ?? parseHashLine(line, this.#line));
    this.#lines.push(line);
    return undefined;
  }
}

/** Parses a whole proofs file (see `InclusionBlockParser` for streams). */
export function parseInclusionBlocks(text: string): InclusionBlock[] {
  const parser = new InclusionBlockParser();
  return [...parser.push(text), ...parser.end()];
}

/** Parses blocks from a byte or text stream (e.g. a file or tar entry), one block at a time. */
export async function* parseInclusionBlockStream(
  source: AsyncIterable<string | Uint8Array>,
): AsyncGenerator<InclusionBlock, void, undefined> {
  const parser = new InclusionBlockParser();
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const decode = (chunk?: Uint8Array): string => {
    try {
      return chunk === undefined ? decoder.decode() : decoder.decode(chunk, { stream: true });
    } catch {
      throw new ProofFormatError('proofs are not valid UTF-8');
    }
  };
  for await (const chunk of source) {
    yield* parser.push(typeof chunk === 'string' ? chunk : decode(chunk));
  }
  yield* parser.push(decode());
  yield* parser.end();
}

/** Formats `old M\n` and the RFC 9162 PROOF(M, D[N]) hashes (none for M = 0 or M = N). */
export function formatConsistencyProof(proof: ConsistencyProofText): string {
  checkCount(proof.oldSize, 'old size');
  return `old ${proof.oldSize}\n${hashLines(proof.hashes)}`;
}

/** Parses a consistency proof text strictly (no trailing content). */
export function parseConsistencyProof(text: string): ConsistencyProofText {
  if (!text.endsWith('\n')) throw new ProofFormatError('text must end with a newline');
  const lines = text.slice(0, -1).split('\n');
  const first = lines[0] ?? '';
  if (!first.startsWith('old ')) throw new ProofFormatError('expected "old M"', 1);
  const oldSize = parseDecimal(first.slice('old '.length), 'old size', 1);
  const hashes = lines.slice(1).map((line, i) => parseHashLine(line, i + 2));
  return { oldSize, hashes };
}
