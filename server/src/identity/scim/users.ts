import { randomUUID } from 'node:crypto';
import type { AuditService } from '../../audit/index.js';
import type { Db } from '../../platform/db/knex.js';
import { AppError } from '../../platform/errors.js';
import type { ScimCaller } from '../principal.js';
import { findUserByEmail, insertUser, lockUser } from '../users/repository.js';
import type { Comparison } from './filter.js';
import { type PatchOperation, patchUser, type UserDraft } from './patch.js';
import {
  deleteScimUser,
  findScimUser,
  findScimUserByUserName,
  groupsOfUser,
  insertScimUser,
  listScimUsers,
  type Page,
  removeFromAllGroups,
  type ScimUserRow,
  scimRecordOf,
  updateScimUser,
  updateUserRow,
} from './repository.js';
import { displayNameOf, emailOf, userDraftFromRow } from './resources.js';
import type { ScimSync } from './sync.js';

/** A user resource's data: the row and the SCIM groups it belongs to. */
export interface ScimUser {
  row: ScimUserRow;
  groups: Array<{ id: string; display_name: string }>;
}

/** The SCIM Users endpoint operations (RFC 7644 §3), scoped to the caller's connection. */
export interface ScimUserService {
  list(
    caller: ScimCaller,
    filter: Comparison | undefined,
    page: Page,
  ): Promise<{ users: ScimUser[]; total: number }>;
  get(caller: ScimCaller, id: string): Promise<ScimUser>;
  create(caller: ScimCaller, draft: UserDraft): Promise<ScimUser>;
  replace(caller: ScimCaller, id: string, draft: UserDraft): Promise<ScimUser>;
  patch(caller: ScimCaller, id: string, operations: PatchOperation[]): Promise<ScimUser>;
  /** Deprovisions: the user is disabled (sessions and keys end) and leaves SCIM and its groups. */
  remove(caller: ScimCaller, id: string): Promise<void>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const notFound = () => new AppError('NOT_FOUND', 'No such User.');
const taken = (what: string) => new AppError('SCIM_UNIQUENESS', `Another user already has this ${what}.`);

/** Creates the SCIM Users service (RFC 7644 §3.3 - §3.6 on the User resource, RFC 7643 §4.1). */
export function createScimUserService(deps: {
  db: Db;
  audit: AuditService;
  sync: ScimSync;
}): ScimUserService {
  const { db, audit, sync } = deps;

  async function load(trx: Db, caller: ScimCaller, id: string): Promise<ScimUser> {
    const row = UUID.test(id) ? await findScimUser(trx, caller.connection, id) : undefined;
    if (!row) throw notFound();
    return { row, groups: await groupsOfUser(trx, caller.connection, id) };
  }

  /** Writes a draft over an existing SCIM user, checking the unique userName and e-mail. */
  async function write(trx: Db, caller: ScimCaller, current: ScimUserRow, draft: UserDraft): Promise<void> {
    const sameName = await findScimUserByUserName(trx, caller.connection, draft.userName);
    if (sameName && sameName.user_id !== current.user_id) throw taken('userName');
    const sameEmail = await findUserByEmail(trx, emailOf(draft));
    if (sameEmail && sameEmail.id !== current.user_id) throw taken('e-mail address');
    await updateScimUser(trx, current.user_id, {
      user_name: draft.userName,
      external_id: draft.externalId,
      given_name: draft.givenName.slice(0, 256),
      family_name: draft.familyName.slice(0, 256),
    });
    await updateUserRow(trx, current.user_id, { email: emailOf(draft), name: displayNameOf(draft) });
    await sync.setActive(trx, caller, current.user_id, draft.active, current.status);
  }

  async function change(
    caller: ScimCaller,
    id: string,
    method: string,
    next: (row: ScimUserRow) => UserDraft,
  ) {
    return db.transaction(async (trx) => {
      if (!UUID.test(id) || !(await lockUser(trx, id))) throw notFound();
      const { row } = await load(trx, caller, id);
      await write(trx, caller, row, next(row));
      await sync.recordRequest(trx, caller, { method, resource: 'User', id });
      return load(trx, caller, id);
    });
  }

  return {
    async list(caller, filter, page) {
      const { rows, total } = await listScimUsers(db, caller.connection, filter, page);
      const users: ScimUser[] = [];
      for (const row of rows)
        users.push({ row, groups: await groupsOfUser(db, caller.connection, row.user_id) });
      return { users, total };
    },

    get: (caller, id) => load(db, caller, id),

    async create(caller, draft) {
      return db.transaction(async (trx) => {
        if (await findScimUserByUserName(trx, caller.connection, draft.userName)) throw taken('userName');
        // A user who already signed in (JIT) is adopted, unless another connection provisions them.
        let user = await findUserByEmail(trx, emailOf(draft));
        if (user && (await scimRecordOf(trx, user.id))) throw taken('e-mail address');
        if (!user) {
          user = await insertUser(trx, {
            id: randomUUID(),
            email: emailOf(draft),
            name: displayNameOf(draft),
          });
          await audit.record(trx, {
            action: 'user.created',
            outcome: 'success',
            actor: sync.actor(caller),
            target: { type: 'user', id: user.id },
            details: { source: 'scim', connection: caller.connection },
          });
        }
        await insertScimUser(trx, {
          user_id: user.id,
          connection: caller.connection,
          user_name: draft.userName,
          external_id: draft.externalId,
          given_name: draft.givenName.slice(0, 256),
          family_name: draft.familyName.slice(0, 256),
        });
        await updateUserRow(trx, user.id, { email: emailOf(draft), name: displayNameOf(draft) });
        await sync.setActive(trx, caller, user.id, draft.active, user.status);
        await sync.syncUser(trx, caller, user.id);
        await sync.recordRequest(trx, caller, { method: 'POST', resource: 'User', id: user.id });
        return load(trx, caller, user.id);
      });
    },

    replace: (caller, id, draft) => change(caller, id, 'PUT', () => draft),

    patch: (caller, id, operations) =>
      change(caller, id, 'PATCH', (row) => patchUser(userDraftFromRow(row), operations)),

    async remove(caller, id) {
      await db.transaction(async (trx) => {
        if (!UUID.test(id) || !(await lockUser(trx, id))) throw notFound();
        const { row } = await load(trx, caller, id);
        await sync.setActive(trx, caller, id, false, row.status);
        await removeFromAllGroups(trx, caller.connection, id);
        await deleteScimUser(trx, id);
        await sync.syncUser(trx, caller, id);
        await sync.recordRequest(trx, caller, { method: 'DELETE', resource: 'User', id });
      });
    },
  };
}
