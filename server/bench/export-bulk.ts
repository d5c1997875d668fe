/**
 * Bulk loading of a receipts log of real, signed receipts for the export benchmark: receipts built
 * and signed with the module's receipt key, written with their search metadata in batches, the tree's
 * tiles built by the sequencer's own `TreeBuilder`, and one signed checkpoint.
 */
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import {
  buildReceipt,
  canonicalBytes,
  leafHash,
  signCheckpoint,
  signReceipt,
} from '../src/evidence/core/index.js';
import { type EvidenceModule, withConnection } from '../src/evidence/index.js';
import { TreeBuilder } from '../src/evidence/store/tree-builder.js';
import { writeTiles } from './evidence-bulk.js';

const BATCH = 5000;
const users = Array.from({ length: 200 }, () => randomUUID());
const teams = Array.from({ length: 20 }, () => randomUUID());

/**
 * Appends `count` signed receipts to the empty receipts log, their `ts` spread over the 50 s before
 * `end` (the receipt key was registered at most a minute before: its JWKS `nbf`).
 */
export async function bulkLoadSignedReceipts(
  db: Knex,
  evidence: EvidenceModule,
  count: number,
  end: number,
): Promise<void> {
  const log = evidence.logs.receipts;
  const key = evidence.keys.receipt;
  const tree = TreeBuilder.empty();
  for (let first = 0; first < count; first += BATCH) {
    const n = Math.min(BATCH, count - first);
    const rows = {
      id: [] as number[],
      data: [] as Buffer[],
      ts: [] as Date[],
      subject: [] as string[],
      team: [] as string[],
      request: [] as string[],
    };
    for (let i = first; i < first + n; i++) {
      const ts = end - 50_000 + Math.floor((i * 50_000) / count);
      const requestId = randomUUID();
      const subject = users[i % users.length] as string;
      const team = teams[i % teams.length] as string;
      const receipt = await signReceipt(
        buildReceipt({
          codeRef: evidence.codeRef,
          ts,
          nonce: Buffer.alloc(16, i % 256),
          inputHash: Buffer.alloc(32, i % 251).toString('base64url'),
          outputHash: Buffer.alloc(32, (i * 7) % 251).toString('base64url'),
          policyIds: ['audit_trail', 'no_model_training', 'no_retention'],
          publicKey: key.publicKey,
          ext: {
            op: 'chat_completions',
            request_id: requestId,
            subject,
            team,
            model: 'llama-3.1-70b-instruct',
            backend: 'vllm-a100-0',
            prompt_tokens: 1200 + (i % 100),
            completion_tokens: 300 + (i % 50),
            status: 'ok',
            log: log.origin,
          },
        }),
        key.signer,
      );
      const data = canonicalBytes(receipt);
      rows.id.push(i + 1);
      rows.data.push(data);
      rows.ts.push(new Date(ts));
      rows.subject.push(subject);
      rows.team.push(team);
      rows.request.push(requestId);
      tree.append(leafHash(data));
    }
    await withConnection(db, async (c) => {
      await c.query(
        'insert into log_leaves (id, log, data) select * from unnest($1::bigint[], $2::smallint[], $3::bytea[])',
        [rows.id, rows.id.map(() => log.id), rows.data],
      );
      await c.query(
        `insert into receipts (id, ts, subject, team, model, op, status, request_id)
         select id, ts, subject, team, 'llama-3.1-70b-instruct', 'chat_completions', 'ok', request_id
           from unnest($1::bigint[], $2::timestamptz[], $3::uuid[], $4::uuid[], $5::uuid[]) as t(id, ts, subject, team, request_id)`,
        [rows.id, rows.ts, rows.subject, rows.team, rows.request],
      );
      await c.query(
        'insert into log_entries (log, idx, leaf_id) select $1, id - 1, id from unnest($2::bigint[]) id',
        [log.id, rows.id],
      );
    });
    await writeTiles(db, log.id, tree.takeWrites());
  }
  await withConnection(db, (c) => c.query(`select setval('log_leaf_ids', $1)`, [count]));
  const note = await signCheckpoint(
    { origin: log.origin, size: tree.size, rootHash: tree.root() },
    evidence.keys.log.signer,
  );
  await db('evidence_logs').where({ id: log.id }).update({ size: tree.size, root: tree.root() });
  await db('checkpoints').insert({
    log: log.id,
    size: tree.size,
    root: tree.root(),
    note,
    kid: evidence.keys.log.kid,
  });
  await withConnection(db, (c) =>
    c.query('analyze log_leaves; analyze log_entries; analyze log_tiles; analyze receipts'),
  );
}
