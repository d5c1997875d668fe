/**
 * Public proof, key and verification endpoints (EVIDENCE.md §2.2, §2.3).
 */
import type { IncomingMessage } from 'node:http';
import accepts from 'accepts';
import type { Response } from 'express';
import type { LeanReply, LeanRoutes } from '../../platform/http/lean-routes.js';
import { queryCheck, type Validated, validate } from '../../platform/http/validate.js';
import { b64Encode, formatConsistencyProof, formatVerifierKey, tlogProofBytes } from '../core/index.js';
import { toJwk } from '../keys/key-repository.js';
import type { KeyRing } from '../keys/key-ring.js';
import type { LogDescriptor, LogName } from '../logs.js';
import type { InclusionProof, ProofService } from '../proofs.js';
import { ConsistencyQuery, ProofQuery, VerifyBody } from '../schemas.js';
import type { StoredCheckpoint } from '../sequencer/log-sequencer.js';
import type { VerifyService } from '../verify-service.js';
import type { RouteDeclarer } from './declarer.js';

export interface TecpRoutesDeps {
  logs: Record<LogName, LogDescriptor>;
  proofs: ProofService;
  keys: KeyRing;
  verifier: VerifyService;
}

/** JSON only when asked for: without an `accept` header, or accepting any type, the text form. */
const wantsJson = (req: IncomingMessage): boolean => {
  const accept = req.headers.accept;
  if (accept === undefined || accept === '*/*') return false;
  return accepts(req).type(['text/plain', 'application/json']) === 'application/json';
};

const sendText = (res: Response, text: string): void => {
  res.setHeader('cache-control', 'no-store');
  res.type('text/plain; charset=utf-8').send(text);
};

const NO_STORE = { 'cache-control': 'no-store' };

/** UTF-8 of each served checkpoint note, encoded once (checkpoints are shared until replaced). */
const notes = new WeakMap<StoredCheckpoint, Buffer>();

function noteBytes(checkpoint: StoredCheckpoint): Buffer {
  let bytes = notes.get(checkpoint);
  if (bytes === undefined) {
    bytes = Buffer.from(checkpoint.note, 'utf8');
    notes.set(checkpoint, bytes);
  }
  return bytes;
}

/** `GET /api/v1/tecp/proof`: tlog-proof@v1 text, or JSON when asked for (at once when in memory). */
function proofReply(deps: TecpRoutesDeps, q: ProofQuery, json: boolean): LeanReply | Promise<LeanReply> {
  const proof = deps.proofs.inclusion(deps.logs[q.log], q.index, q.size);
  return proof instanceof Promise ? proof.then((p) => replyOf(p, json)) : replyOf(proof, json);
}

function replyOf(proof: InclusionProof, json: boolean): LeanReply {
  if (json) {
    const body = {
      index: proof.index,
      size: proof.size,
      hashes: proof.hashes.map(b64Encode),
      checkpoint: proof.checkpoint.note,
    };
    return { type: 'application/json; charset=utf-8', body: JSON.stringify(body) };
  }
  // c2sp.org/tlog-proof@v1
  const body = tlogProofBytes(proof.index, proof.hashes, noteBytes(proof.checkpoint));
  return { type: 'text/plain; charset=utf-8', body, headers: NO_STORE };
}

/** Serves the inclusion proof on the lean path (GET; HEAD and the route registry keep the Express route). */
export function leanTecpRoutes(lean: LeanRoutes, deps: TecpRoutesDeps): void {
  const check = queryCheck(ProofQuery);
  lean.get('/api/v1/tecp/proof', '/api/v1/tecp/proof', (req, query) =>
    proofReply(deps, check(query), wantsJson(req)),
  );
}

/** Declares the public `/api/v1/tecp/*` routes and `/.well-known/tecp-jwks`. */
export function declareTecpRoutes(r: RouteDeclarer, deps: TecpRoutesDeps): void {
  r.get('/api/v1/tecp/proof', 'public', validate({ query: ProofQuery }), async (req, res) => {
    const q = (req as Validated<{ query: typeof ProofQuery }>).query;
    const reply = await proofReply(deps, q, wantsJson(req));
    for (const [name, value] of Object.entries(reply.headers ?? {})) res.setHeader(name, value);
    res.type(reply.type).send(reply.body);
  });

  r.get('/api/v1/tecp/consistency', 'public', validate({ query: ConsistencyQuery }), async (req, res) => {
    const q = (req as Validated<{ query: typeof ConsistencyQuery }>).query;
    const proof = await deps.proofs.consistency(deps.logs[q.log], q.old, q.size);
    if (wantsJson(req)) {
      res.json({
        old: proof.old,
        size: proof.size,
        hashes: proof.hashes.map(b64Encode),
        checkpoint: proof.checkpoint.note,
      });
      return;
    }
    // EVIDENCE.md §2.2: the c2sp.org/tlog-witness add-checkpoint body prefix.
    res.setHeader('x-tecp-tree-size', String(proof.size));
    sendText(res, formatConsistencyProof({ oldSize: proof.old, hashes: proof.hashes }));
  });

  r.get('/.well-known/tecp-jwks', 'public', async (_req, res) => {
    const keys = (await deps.keys.stored()).filter((k) => k.purpose === 'receipts');
    res.setHeader('cache-control', 'public, max-age=60');
    res.json({ keys: keys.map(toJwk) });
  });

  r.get('/api/v1/tecp/vkeys', 'public', (_req, res) => {
    const key = deps.keys.log.publicKey;
    res.json({
      receipts: formatVerifierKey(deps.logs.receipts.origin, key),
      audit: formatVerifierKey(deps.logs.audit.origin, key),
    });
  });

  r.post('/api/v1/tecp/verify', 'public', validate({ body: VerifyBody }), async (req, res) => {
    const body = (req as Validated<{ body: typeof VerifyBody }>).body;
    res.json(await deps.verifier.verify(body.receipt));
  });
}
