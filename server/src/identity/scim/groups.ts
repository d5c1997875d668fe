import { randomUUID } from 'node:crypto';
import type { AuditService } from '../../audit/index.js';
import type { Db } from '../../platform/db/knex.js';
import { AppError } from '../../platform/errors.js';
import type { ScimCaller } from '../principal.js';
import { ensureTeam, updateTeam } from '../teams/repository.js';
import type { Comparison } from './filter.js';
import { ownTeamOf } from './grants.js';
import { type GroupDraft, type PatchOperation, patchGroup } from './patch.js';
import {
  addMembers,
  deleteScimGroup,
  existingUserIds,
  findScimGroup,
  insertScimGroup,
  listScimGroups,
  lockScimGroup,
  membersOf,
  type Page,
  removeMembers,
  type ScimGroupRow,
  type ScimMemberRow,
  updateScimGroup,
} from './repository.js';
import type { ScimSync } from './sync.js';

/** A group resource's data; `members` undefined when the client excluded them. */
export interface ScimGroup {
  row: ScimGroupRow;
  members: ScimMemberRow[] | undefined;
}

/** The SCIM Groups endpoint operations (RFC 7644 §3), scoped to the caller's connection. */
export interface ScimGroupService {
  list(
    caller: ScimCaller,
    filter: Comparison | undefined,
    page: Page,
    withMembers: boolean,
  ): Promise<{ groups: ScimGroup[]; total: number }>;
  get(caller: ScimCaller, id: string, withMembers: boolean): Promise<ScimGroup>;
  create(caller: ScimCaller, draft: GroupDraft): Promise<ScimGroup>;
  replace(caller: ScimCaller, id: string, draft: GroupDraft): Promise<ScimGroup>;
  patch(caller: ScimCaller, id: string, operations: PatchOperation[]): Promise<ScimGroup>;
  remove(caller: ScimCaller, id: string): Promise<void>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const notFound = () => new AppError('NOT_FOUND', 'No such Group.');

/**
 * Creates the SCIM Groups service (RFC 7643 §4.2). A group grants its members the roles its name
 * maps to in `groupRoles`, joins them to the team `groupTeams` names, or else is a team of its own
 * (created on first use, named after the group). Membership changes re-sync each member at once.
 */
export function createScimGroupService(deps: {
  db: Db;
  audit: AuditService;
  sync: ScimSync;
}): ScimGroupService {
  const { db, audit, sync } = deps;

  async function load(trx: Db, caller: ScimCaller, id: string, withMembers: boolean): Promise<ScimGroup> {
    const row = UUID.test(id) ? await findScimGroup(trx, caller.connection, id) : undefined;
    if (!row) throw notFound();
    return { row, members: withMembers ? ((await membersOf(trx, [id])).get(id) ?? []) : undefined };
  }

  /** The team a group of this name stands for, created (named after the group) when new. */
  async function teamFor(trx: Db, caller: ScimCaller, displayName: string): Promise<string | null> {
    const own = ownTeamOf(sync.mapping(caller), displayName);
    if (!own) return null;
    const { team, created } = await ensureTeam(trx, randomUUID(), own.slug);
    if (created) {
      await updateTeam(trx, team.id, { name: displayName.slice(0, 128) });
      await audit.record(trx, {
        action: 'team.created',
        outcome: 'success',
        actor: sync.actor(caller),
        target: { type: 'team', id: team.id },
        details: { slug: team.slug, source: 'scim' },
      });
    }
    return team.id;
  }

  async function validMembers(trx: Db, ids: readonly string[]): Promise<void> {
    const known = await existingUserIds(trx, ids);
    const unknown = ids.filter((id) => !known.has(id));
    if (unknown.length > 0) {
      throw new AppError('SCIM_INVALID_VALUE', `members ${unknown.slice(0, 5).join(', ')} are not users.`);
    }
  }

  /** Writes a group's new state and re-syncs every user whose membership changed. */
  async function write(trx: Db, caller: ScimCaller, id: string, before: GroupDraft, after: GroupDraft) {
    const renamed = before.displayName !== after.displayName;
    if (renamed || before.externalId !== after.externalId) {
      const teamId = renamed ? await teamFor(trx, caller, after.displayName) : undefined;
      const current = (await findScimGroup(trx, caller.connection, id)) as ScimGroupRow;
      await updateScimGroup(trx, id, {
        display_name: after.displayName.slice(0, 256),
        external_id: after.externalId,
        team_id: teamId === undefined ? current.team_id : teamId,
      });
    }
    await validMembers(trx, after.members);
    const removed = await removeMembers(
      trx,
      id,
      before.members.filter((m) => !after.members.includes(m)),
    );
    const added = await addMembers(
      trx,
      id,
      after.members.filter((m) => !before.members.includes(m)),
    );
    const affected = renamed ? after.members.concat(removed) : added.concat(removed);
    for (const userId of [...new Set(affected)].sort()) await sync.syncUser(trx, caller, userId);
  }

  async function change(
    caller: ScimCaller,
    id: string,
    method: string,
    next: (current: GroupDraft) => GroupDraft,
  ) {
    return db.transaction(async (trx) => {
      if (!UUID.test(id) || !(await lockScimGroup(trx, caller.connection, id))) throw notFound();
      const { row, members } = await load(trx, caller, id, true);
      const before: GroupDraft = {
        displayName: row.display_name,
        externalId: row.external_id,
        members: (members ?? []).map((m) => m.user_id),
      };
      await write(trx, caller, id, before, next(before));
      await sync.recordRequest(trx, caller, { method, resource: 'Group', id });
      return load(trx, caller, id, true);
    });
  }

  return {
    async list(caller, filter, page, withMembers) {
      const { rows, total } = await listScimGroups(db, caller.connection, filter, page);
      const members = withMembers
        ? await membersOf(
            db,
            rows.map((r) => r.id),
          )
        : undefined;
      return {
        groups: rows.map((row) => ({ row, members: members ? (members.get(row.id) ?? []) : undefined })),
        total,
      };
    },

    get: (caller, id, withMembers) => load(db, caller, id, withMembers),

    async create(caller, draft) {
      return db.transaction(async (trx) => {
        const id = randomUUID();
        await insertScimGroup(trx, {
          id,
          connection: caller.connection,
          display_name: draft.displayName.slice(0, 256),
          external_id: draft.externalId,
          team_id: await teamFor(trx, caller, draft.displayName),
        });
        await write(trx, caller, id, { ...draft, members: [] }, draft);
        await sync.recordRequest(trx, caller, { method: 'POST', resource: 'Group', id });
        return load(trx, caller, id, true);
      });
    },

    replace: (caller, id, draft) => change(caller, id, 'PUT', () => draft),

    patch: (caller, id, operations) =>
      change(caller, id, 'PATCH', (current) => patchGroup(current, operations)),

    async remove(caller, id) {
      await db.transaction(async (trx) => {
        if (!UUID.test(id) || !(await lockScimGroup(trx, caller.connection, id))) throw notFound();
        const former = await removeMembers(trx, id);
        await deleteScimGroup(trx, id);
        for (const userId of former.sort()) await sync.syncUser(trx, caller, userId);
        await sync.recordRequest(trx, caller, { method: 'DELETE', resource: 'Group', id });
      });
    },
  };
}
