/**
 * Legal holds and crypto-shredding: placing and releasing holds (auditors and admins), and destroying
 * a user's or team's content key (admins), refused while a hold covers any of the content it
 * would erase. Each change is an audit event in the same transaction.
 */
import { randomUUID } from 'node:crypto';
import type { AuditService } from '../../audit/index.js';
import type { ContentService, OwnerType } from '../../content/index.js';
import type { Db } from '../../platform/db/knex.js';
import { AppError } from '../../platform/errors.js';
import {
  findHold,
  type HoldScope,
  heldSubjects,
  insertHold,
  type LegalHoldRow,
  listHolds,
  releaseHold,
  subjectExists,
} from './repository.js';

export interface Actor {
  userId: string;
  ip?: string | undefined;
}

export interface RetentionService {
  placeHold(
    actor: Actor,
    input: { scope: HoldScope; id: string; reason: string; reference: string },
  ): Promise<LegalHoldRow>;
  listHolds(activeOnly: boolean): Promise<LegalHoldRow[]>;
  releaseHold(actor: Actor, id: string): Promise<LegalHoldRow>;
  /** Destroys the live content key of a user or team; returns the destroyed key ids. */
  destroyKey(actor: Actor, owner: { type: OwnerType; id: string }, reason: string): Promise<string[]>;
}

const userActor = (actor: Actor) => ({
  type: 'user' as const,
  id: actor.userId,
  ...(actor.ip ? { ip: actor.ip } : {}),
});

/**
 * Whether destroying `owner`'s key would erase held content: the owner itself is held, or content
 * it shares with a held user or team (sealed under both keys) exists, or (for a user) a team the
 * user belongs to is held.
 */
async function coveredByHold(db: Db, owner: { type: OwnerType; id: string }): Promise<boolean> {
  const held = await heldSubjects(db);
  if (owner.type === 'user') {
    if (held.users.includes(owner.id)) return true;
    const shared = await db.raw(
      `select 1 from operation_content where user_id = ? and team_id = any(?::uuid[])
       union all select 1 from team_members where user_id = ? and team_id = any(?::uuid[]) limit 1`,
      [owner.id, held.teams, owner.id, held.teams],
    );
    return (shared as { rows: unknown[] }).rows.length > 0;
  }
  if (held.teams.includes(owner.id)) return true;
  const shared = await db.raw(
    'select 1 from operation_content where team_id = ? and user_id = any(?::uuid[]) limit 1',
    [owner.id, held.users],
  );
  return (shared as { rows: unknown[] }).rows.length > 0;
}

export function createRetentionService(deps: {
  db: Db;
  audit: AuditService;
  content: ContentService;
}): RetentionService {
  const { db, audit, content } = deps;
  return {
    async placeHold(actor, input) {
      return db.transaction(async (trx) => {
        if (!(await subjectExists(trx, input.scope, input.id)))
          throw new AppError('NOT_FOUND', `No such ${input.scope}.`);
        const hold = await insertHold(trx, {
          id: randomUUID(),
          scope_type: input.scope,
          scope_id: input.id,
          reason: input.reason,
          reference: input.reference,
          created_by: actor.userId,
        });
        await audit.record(trx, {
          action: 'compliance.legal_hold',
          outcome: 'success',
          actor: userActor(actor),
          target: { type: 'legal_hold', id: hold.id },
          details: {
            change: 'placed',
            scope_type: input.scope,
            scope_id: input.id,
            reference: input.reference,
          },
        });
        return hold;
      });
    },

    listHolds: (activeOnly) => listHolds(db, activeOnly),

    async releaseHold(actor, id) {
      return db.transaction(async (trx) => {
        const hold = await releaseHold(trx, id, actor.userId);
        if (!hold) {
          const known = await findHold(trx, id);
          throw new AppError(
            known ? 'CONFLICT' : 'NOT_FOUND',
            known ? 'This hold was already released.' : 'No such legal hold.',
          );
        }
        await audit.record(trx, {
          action: 'compliance.legal_hold',
          outcome: 'success',
          actor: userActor(actor),
          target: { type: 'legal_hold', id: hold.id },
          details: {
            change: 'released',
            scope_type: hold.scope_type,
            scope_id: hold.scope_id,
            reference: hold.reference,
          },
        });
        return hold;
      });
    },

    async destroyKey(actor, owner, reason) {
      return db.transaction(async (trx) => {
        // Serialise with hold placement: a hold placed concurrently is seen, or waits for this.
        await trx.raw('lock table legal_holds in share row exclusive mode');
        if (await coveredByHold(trx, owner)) throw new AppError('LEGAL_HOLD_ACTIVE');
        const destroyed = await content.destroyKey(trx, owner.type, owner.id, actor.userId);
        await audit.record(trx, {
          action: 'content.key_destroyed',
          outcome: 'success',
          actor: userActor(actor),
          target: { type: owner.type, id: owner.id },
          details: { reason, keys: destroyed.length },
        });
        return destroyed;
      });
    },
  };
}
