/**
 * The public read API of both logs (EVIDENCE.md §2.3): the latest checkpoint and the
 * c2sp.org/tlog-tiles resources, so tile clients and witnesses can follow the logs. No content is
 * ever exposed: leaves are receipts (hashes and metadata) and audit events (personal values HMACed).
 */
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { Request, Response } from 'express';
import type { Knex } from 'knex';
import { AppError } from '../../platform/errors.js';
import type { LeanRoutes } from '../../platform/http/lean-routes.js';
import { isLogName, LOG_NAMES, type LogDescriptor, type LogName } from '../logs.js';
import type { ProofService } from '../proofs.js';
import { type SqlClient, withConnection } from '../store/sql.js';
import type { TileStore } from '../store/tile-store.js';
import { parseTilePath, TILE_WIDTH, type TileRequest } from '../tiles.js';
import type { RouteDeclarer } from './declarer.js';

const gzipAsync = promisify(gzip);

/** c2sp.org/tlog-tiles: tiles and bundles are immutable; the checkpoint only for a moment. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
const CHECKPOINT_CACHE = 'public, max-age=1';

export interface LogRoutesDeps {
  db: Knex;
  logs: Record<LogName, LogDescriptor>;
  proofs: ProofService;
  tiles: TileStore;
}

function logOf(req: Request, logs: Record<LogName, LogDescriptor>): LogDescriptor {
  const name = req.params.log;
  if (!isLogName(name)) throw new AppError('NOT_FOUND', 'No such log.');
  return logs[name];
}

/** Entry bundle: each leaf with a big-endian uint16 length prefix (c2sp.org/tlog-tiles "Log entries"). */
async function entryBundle(
  client: SqlClient,
  log: LogDescriptor,
  tile: TileRequest,
): Promise<Buffer | undefined> {
  const first = tile.index * TILE_WIDTH;
  const { rows } = await client.query<{ data: Buffer }>(
    `select l.data from log_entries e join log_leaves l on l.id = e.leaf_id
      where e.log = $1 and e.idx >= $2 and e.idx < $3 order by e.idx`,
    [log.id, first, first + tile.width],
  );
  if (rows.length !== tile.width) return undefined;
  const parts: Buffer[] = [];
  for (const { data } of rows) {
    const prefix = Buffer.alloc(2);
    prefix.writeUInt16BE(data.length);
    parts.push(prefix, data);
  }
  return Buffer.concat(parts);
}

async function sendBinary(req: Request, res: Response, body: Buffer): Promise<void> {
  res.setHeader('content-type', 'application/octet-stream');
  res.setHeader('cache-control', IMMUTABLE);
  res.setHeader('vary', 'accept-encoding');
  // c2sp.org/tlog-tiles: entry bundles SHOULD be compressed at the HTTP layer.
  if (req.acceptsEncodings('gzip', 'identity') === 'gzip') {
    res.setHeader('content-encoding', 'gzip');
    res.end(await gzipAsync(body));
    return;
  }
  res.end(body);
}

/** Serves `GET /log/<log>/checkpoint` of each log on the lean path. */
export function leanLogRoutes(lean: LeanRoutes, deps: Pick<LogRoutesDeps, 'logs' | 'proofs'>): void {
  for (const name of LOG_NAMES) {
    lean.get(`/log/${name}/checkpoint`, '/log/:log/checkpoint', async () => ({
      type: 'text/plain; charset=utf-8',
      body: (await deps.proofs.checkpoint(deps.logs[name])).note,
      headers: { 'cache-control': CHECKPOINT_CACHE },
    }));
  }
}

/** Declares `GET /log/:log/checkpoint` and `GET /log/:log/tile/*` (public). */
export function declareLogRoutes(r: RouteDeclarer, deps: LogRoutesDeps): void {
  r.get('/log/:log/checkpoint', 'public', async (req, res) => {
    const checkpoint = await deps.proofs.checkpoint(logOf(req, deps.logs));
    res.setHeader('cache-control', CHECKPOINT_CACHE);
    res.type('text/plain; charset=utf-8').send(checkpoint.note);
  });

  r.get('/log/:log/tile/*path', 'public', async (req, res) => {
    const log = logOf(req, deps.logs);
    const segments = (req.params as { path?: string[] }).path ?? [];
    const tile = parseTilePath(segments);
    if (tile === undefined) throw new AppError('NOT_FOUND', 'No such tile.');
    let body: Buffer | undefined;
    if (tile.level === 'entries') {
      body = await withConnection(deps.db, (c) => entryBundle(c, log, tile));
    } else {
      const id = { level: tile.level, index: tile.index };
      const cached = deps.tiles.cache.get(log.id, id);
      const hashes =
        cached !== undefined && cached.width >= tile.width
          ? cached.hashes
          : await deps.tiles.tile(log.id, id);
      // A partial tile of width W is the first W hashes of any wider version (c2sp.org/tlog-tiles).
      const bytes = tile.width * 32;
      if (hashes !== undefined && hashes.length >= bytes) body = hashes.subarray(0, bytes);
    }
    if (body === undefined) throw new AppError('NOT_FOUND', 'No such tile.');
    await sendBinary(req, res, body);
  });
}
