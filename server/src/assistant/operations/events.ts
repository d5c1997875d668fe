/**
 * The server-sent events of a streamed assistant operation: JSON `data:` events (progress, deltas,
 * then the result or an error), the receipt event, `data: [DONE]`. Every byte before the receipt
 * event is hashed (its SHA-256 is the receipt's output_hash, EVIDENCE.md §1) and, when content is
 * retained, kept.
 */
import type { Response } from 'express';
import { OutputHasher, receiptEvent } from '../../gateway/index.js';

const DONE = 'data: [DONE]\n\n';

export class EventWriter {
  private readonly hasher: OutputHasher;
  private opened = false;

  /** `keepUpTo`: bytes kept for retention (0: none). */
  constructor(
    private readonly res: Response,
    keepUpTo: number,
  ) {
    this.hasher = new OutputHasher(keepUpTo);
  }

  /** Whether the stream has started (headers sent). */
  get started(): boolean {
    return this.opened;
  }

  private open(headers: Record<string, string>): void {
    const { res } = this;
    res.status(200);
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
    res.setHeader('content-type', 'text/event-stream; charset=utf-8');
    res.setHeader('cache-control', 'no-cache');
    res.setHeader('x-accel-buffering', 'no'); // Ingress controllers (nginx) would buffer the stream.
    res.flushHeaders();
    this.opened = true;
  }

  /** Writes one event (the first one sends the headers, with `headers`). */
  send(event: Record<string, unknown>, headers: Record<string, string> = {}): void {
    if (!this.opened) this.open(headers);
    if (this.res.destroyed || this.res.writableEnded) return;
    const bytes = `data: ${JSON.stringify(event)}\n\n`;
    this.hasher.update(bytes);
    this.res.write(bytes);
  }

  /** SHA-256 of everything written so far, and the bytes when they were kept. */
  output(): { hash: Buffer; bytes: Buffer | undefined } {
    return { bytes: this.hasher.bytes(), hash: this.hasher.digest() };
  }

  /** Ends the stream: the receipt event, then `data: [DONE]` (EVIDENCE.md §1.2). */
  finish(receipt: Record<string, unknown>): void {
    if (this.res.destroyed || this.res.writableEnded) return;
    this.res.write(receiptEvent(receipt));
    this.res.end(DONE);
  }
}
