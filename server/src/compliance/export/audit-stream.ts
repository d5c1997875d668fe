/**
 * `GET /api/v1/audit/export`: audit events as JSON Lines for SIEM import, each line the event's exact
 * `audit` log leaf (RFC 8785 JSON, so a SIEM can match it against the log), in log order. The cursor
 * is a log index: the sequencer assigns indices contiguously in commit order, so paging by index
 * never skips an event that committed late. Only events in a signed checkpoint are served.
 */
import type { Request, Response } from 'express';
import type { Knex } from 'knex';
import { type EvidenceModule, withConnection } from '../../evidence/index.js';
import { entryPage } from './entry-repository.js';

const PAGE = 1000;
const FAR_FUTURE = Date.parse('9999-12-31T23:59:59.999Z');

export interface AuditStreamQuery {
  from?: string;
  to?: string;
  cursor?: string;
  limit: number;
}

export async function streamAuditEvents(
  deps: { db: Knex; evidence: EvidenceModule },
  q: AuditStreamQuery,
  req: Request,
  res: Response,
): Promise<void> {
  const filter = {
    from: q.from === undefined ? 0 : Date.parse(q.from),
    to: q.to === undefined ? FAR_FUTURE : Date.parse(q.to),
    teams: [],
    users: [],
    models: [],
    ops: [],
  };
  const size = (await deps.evidence.proofs.latest(deps.evidence.logs.audit, true))?.size ?? 0;
  let first = q.cursor === undefined ? 0 : Number(q.cursor);
  let sent = 0;
  res.status(200);
  res.setHeader('content-type', 'application/x-ndjson; charset=utf-8');
  res.setHeader('cache-control', 'no-store');
  // The next cursor goes in a header, so the page (at most `limit` events) is read before answering.
  const pages: Buffer[][] = [];
  let next: number | null = null;
  while (sent < q.limit && first < size) {
    const page = await withConnection(deps.db, (c) =>
      entryPage(c, 'audit', { first, size }, filter, Math.min(PAGE, q.limit - sent)),
    );
    if (page.length === 0) break;
    pages.push(page.flatMap((e) => [e.data, Buffer.from('\n')]));
    sent += page.length;
    first = (page.at(-1)?.index ?? first) + 1;
    if (sent === q.limit) next = first;
  }
  if (next !== null) {
    const url = new URL(req.originalUrl, 'http://local');
    url.searchParams.set('cursor', String(next));
    res.setHeader('x-next-cursor', String(next));
    res.setHeader('link', `<${url.pathname}${url.search}>; rel="next"`);
  }
  res.setHeader('x-audit-log-size', String(size));
  for (const page of pages) res.write(Buffer.concat(page));
  res.end();
}
