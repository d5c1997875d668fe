/**
 * `content/operations.jsonl`: retained prompts and answers, one line per operation in receipts order.
 * Each is checked against its receipt: SHA-256 of the input bytes is `input_hash`, of the output
 * bytes `output_hash` (EVIDENCE.md §1); shredded operations carry no bytes and are counted.
 */
import { createHash } from 'node:crypto';
import { lines } from '../archive.js';
import { PATHS } from '../format.js';
import type { Check } from './report.js';

const isRecord = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

const sha256B64url = (bytes: Buffer) => createHash('sha256').update(bytes).digest('base64url');

interface Parsed {
  line: number;
  index: number;
  value: Record<string, unknown>;
}

/** Walks the content lines alongside the receipts (both ascending by receipt log index). */
export class ContentChecker {
  readonly #it: AsyncIterator<{ line: Buffer; unterminated?: true }>;
  #line = 0;
  #next: Parsed | undefined;
  #started = false;
  #lastIndex = -1;
  matched = 0;
  shredded = 0;

  constructor(
    source: AsyncIterable<Buffer>,
    private readonly check: Check,
  ) {
    this.#it = lines(source)[Symbol.asyncIterator]();
  }

  async #advance(): Promise<void> {
    for (;;) {
      const step = await this.#it.next();
      if (step.done) {
        this.#next = undefined;
        return;
      }
      this.#line++;
      const at = `${PATHS.content} line ${this.#line}`;
      let value: unknown;
      try {
        value = JSON.parse(step.value.line.toString('utf8'));
      } catch {
        this.check.fail(`${at}: not JSON`);
        continue;
      }
      if (!isRecord(value) || typeof value.index !== 'number') {
        this.check.fail(`${at}: needs the receipt's log index`);
        continue;
      }
      if (value.index <= this.#lastIndex) this.check.fail(`${at}: not in ascending receipt order`);
      this.#lastIndex = value.index;
      this.#next = { line: this.#line, index: value.index, value };
      return;
    }
  }

  /** Called for each receipt of the bundle, in order. */
  async receipt(index: number, receipt: unknown): Promise<void> {
    if (!this.#started) {
      this.#started = true;
      await this.#advance();
    }
    while (this.#next !== undefined && this.#next.index < index) {
      this.check.fail(
        `${PATHS.content} line ${this.#next.line}: no receipt with log index ${this.#next.index} in the bundle`,
      );
      await this.#advance();
    }
    const next = this.#next;
    if (next === undefined || next.index !== index) return;
    this.#verify(next, isRecord(receipt) ? receipt : {});
    await this.#advance();
  }

  #verify({ line, value }: Parsed, receipt: Record<string, unknown>): void {
    const at = `${PATHS.content} line ${line} (receipt ${value.index})`;
    const ext = isRecord(receipt.ext) ? receipt.ext : {};
    if (value.request_id !== ext.request_id) {
      this.check.fail(`${at}: request_id is not the receipt's ext.request_id`);
      return;
    }
    if (value.shredded === true) {
      if (value.input !== null || value.output !== null)
        this.check.fail(`${at}: shredded but carries content`);
      this.shredded++;
      return;
    }
    for (const [part, field] of [
      ['input', 'input_hash'],
      ['output', 'output_hash'],
    ] as const) {
      const data = value[part];
      const b64 = isRecord(data) && typeof data.base64 === 'string' ? data.base64 : undefined;
      if (b64 === undefined) {
        this.check.fail(`${at}: ${part} is missing`);
        continue;
      }
      if (sha256B64url(Buffer.from(b64, 'base64')) !== receipt[field]) {
        this.check.fail(`${at}: SHA-256 of the ${part} bytes is not the receipt's ${field}`);
        return;
      }
    }
    this.matched++;
  }

  /** After the last receipt: content lines left over have no receipt. */
  async finish(): Promise<void> {
    if (!this.#started) {
      this.#started = true;
      await this.#advance();
    }
    while (this.#next !== undefined) {
      this.check.fail(
        `${PATHS.content} line ${this.#next.line}: no receipt with log index ${this.#next.index} in the bundle`,
      );
      await this.#advance();
    }
    await this.#it.return?.();
  }
}
