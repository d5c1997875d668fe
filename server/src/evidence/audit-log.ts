/**
 * The `audit` transparency log appender (EVIDENCE.md §4): each audit event becomes a leaf, inserted in
 * the transaction that records the event (so a rolled-back change leaves no leaf), and, once that
 * transaction has committed, one line for the SIEM.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import type { Knex } from 'knex';
import type { AuditEvent, AuditLogAppender } from '../audit/index.js';
import type { Db } from '../platform/db/knex.js';
import { assertEvidenceSafe, canonicalBytes } from './core/index.js';
import { LOG_IDS } from './logs.js';

/** Where committed audit events go for a SIEM: one JSON line each (its exact leaf bytes). */
export interface SiemSink {
  write(line: Buffer): void;
  close(): Promise<void>;
}

/**
 * A sink appending to `file`, or writing to standard error when no file is given. Write errors go to
 * `onError` (the log in PostgreSQL stays the record; the SIEM copy is best effort).
 */
export function createSiemSink(file?: string, onError: (err: Error) => void = () => undefined): SiemSink {
  const stream: WriteStream | NodeJS.WriteStream =
    file === undefined ? process.stderr : createWriteStream(file, { flags: 'a', mode: 0o640 });
  if (stream !== process.stderr) stream.on('error', onError);
  return {
    write: (line) => {
      stream.write(Buffer.concat([line, Buffer.from('\n')]));
    },
    close: () =>
      new Promise((resolve) => {
        if (stream === process.stderr) resolve();
        else stream.end(() => resolve());
      }),
  };
}

/** Resolves when `trx` and every transaction around it committed; rejects if any rolled back. */
function committed(trx: Db): Promise<void> | undefined {
  if (!('isTransaction' in trx) || trx.isTransaction !== true) return undefined;
  const chain: Array<Promise<unknown>> = [];
  for (
    let t: Knex.Transaction | undefined = trx as Knex.Transaction;
    t !== undefined;
    t = t.parentTransaction
  ) {
    chain.push(t.executionPromise);
  }
  return Promise.all(chain).then(() => undefined);
}

/**
 * The leaf, its queue row and its event mapping in one statement. Leaf data: UTF-8 JCS of the event
 * (EVIDENCE.md §2, §4).
 */
const APPEND = `
  with leaf as (insert into log_leaves (log, data) values (?, ?) returning id),
       queued as (insert into log_queue (log, id) select ?, id from leaf)
  insert into audit_event_leaves (event_id, leaf_id) select ?, id from leaf`;

/** c2sp.org/tlog-tiles entry bundles prefix each leaf with a uint16 length. */
export const MAX_LEAF_BYTES = 0xffff;

/** Creates the appender the audit module calls inside each recording transaction. */
export function createAuditLogAppender(siem?: SiemSink): AuditLogAppender {
  return {
    async append(trx, event: AuditEvent) {
      assertEvidenceSafe(event);
      const data = canonicalBytes(event);
      if (data.length > MAX_LEAF_BYTES) {
        throw new Error(
          `audit event ${event.action} is ${data.length} bytes; the audit log takes at most ${MAX_LEAF_BYTES}`,
        );
      }
      await trx.raw(APPEND, [LOG_IDS.audit, data, LOG_IDS.audit, event.id]);
      if (siem === undefined) return;
      const done = committed(trx);
      if (done === undefined) siem.write(data);
      else
        done.then(
          () => siem.write(data),
          () => undefined,
        );
    },
  };
}
