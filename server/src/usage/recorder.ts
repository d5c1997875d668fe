import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { UsageConfig } from './config-schema.js';
import { addToDaily, dailyDeltas, insertEvents } from './repository.js';
import type { UsageEvent } from './types.js';

/**
 * Records usage off the request path: events wait in memory and are written in batches (events and
 * their daily rollup in one transaction) every `flushIntervalMs`, as soon as `batchSize` are waiting,
 * and on close. A failed batch goes back to the queue and is retried with the next one.
 */
export class UsageRecorder {
  private queue: UsageEvent[] = [];
  private flushing: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private dropped = 0;
  private closed = false;

  constructor(
    private readonly db: Knex,
    private readonly log: Logger,
    private readonly config: UsageConfig,
  ) {}

  /** Starts the flush timer. */
  start(): void {
    const tick = () => {
      this.timer = setTimeout(async () => {
        await this.flush().catch(() => {});
        if (!this.closed) tick();
      }, this.config.flushIntervalMs);
      this.timer.unref();
    };
    tick();
  }

  /** Queues one event (never blocks, never throws). */
  record(event: UsageEvent): void {
    this.queue.push(event);
    if (this.queue.length > this.config.maxQueue) {
      const excess = this.queue.length - this.config.maxQueue;
      this.queue.splice(0, excess);
      this.dropped += excess;
      this.log.error({ dropped: this.dropped }, 'usage queue full: oldest usage events dropped');
    }
    if (this.queue.length >= this.config.batchSize && !this.flushing) void this.flush().catch(() => {});
  }

  /** Events waiting to be written. */
  get pending(): number {
    return this.queue.length;
  }

  /** Writes every queued event; resolves when they are committed, rejects if a batch failed. */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    if (this.queue.length === 0) return;
    this.flushing = this.writeAll().finally(() => {
      this.flushing = undefined;
    });
    await this.flushing;
  }

  private async writeAll(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.config.batchSize);
      try {
        await this.db.transaction(async (trx) => {
          await insertEvents(trx, batch);
          await addToDaily(trx, dailyDeltas(batch));
        });
      } catch (err) {
        this.queue.unshift(...batch);
        this.log.warn({ err, waiting: this.queue.length }, 'usage batch not written: will retry');
        throw err;
      }
    }
  }

  /** Stops the timer and writes what is left. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    await this.flush();
  }
}
