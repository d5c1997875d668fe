import { randomUUID } from 'node:crypto';
import type { AuditService } from '../../audit/index.js';
import type { Db } from '../../platform/db/knex.js';
import { appError } from '../../platform/errors.js';
import { type Actor, audited, type Principal } from '../principal.js';
import { administeredTeams } from '../rbac.js';
import { findUserById } from '../users/repository.js';
import { deleteTeamAdminBinding, pinBinding } from '../users/role-bindings.js';
import {
  deleteMember,
  deleteTeam,
  findTeam,
  insertTeam,
  listTeams,
  membersOf,
  type TeamMemberRow,
  type TeamRole,
  type TeamRow,
  updateTeam,
  upsertMember,
} from './repository.js';

export interface TeamService {
  /** All teams for admins; for team admins, the teams they administer. */
  list(principal: Principal): Promise<Array<TeamRow & { member_count: number }>>;
  get(principal: Principal, teamId: string): Promise<{ team: TeamRow; members: TeamMemberRow[] }>;
  create(actor: Actor, input: { slug: string; name: string; description: string }): Promise<TeamRow>;
  update(
    principal: Principal,
    actor: Actor,
    teamId: string,
    changes: { name?: string; description?: string },
  ): Promise<TeamRow>;
  remove(actor: Actor, teamId: string): Promise<void>;
  /** Adds a user to the team or changes their role in it (admin-pinned). */
  setMember(
    principal: Principal,
    actor: Actor,
    teamId: string,
    userId: string,
    role: TeamRole,
  ): Promise<TeamMemberRow[]>;
  removeMember(principal: Principal, actor: Actor, teamId: string, userId: string): Promise<void>;
}

/** Creates the team service; team-scoped callers only reach teams they administer (others: 404). */
export function createTeamService({ db, audit }: { db: Db; audit: AuditService }): TeamService {
  function assertReach(principal: Principal, teamId: string): void {
    const scope = principal.grants.get('team:manage');
    if (scope === 'all') return;
    if (scope === 'team' && administeredTeams(principal.roles).includes(teamId)) return;
    throw appError('NOT_FOUND', 'No such team.');
  }

  async function existing(trx: Db, teamId: string): Promise<TeamRow> {
    const team = await findTeam(trx, teamId);
    if (!team) throw appError('NOT_FOUND', 'No such team.');
    return team;
  }

  const changed = (actor: Actor, teamId: string, details: Record<string, string>) =>
    audited(actor, {
      action: 'team.updated',
      outcome: 'success',
      target: { type: 'team', id: teamId },
      details,
    });

  return {
    list: (principal) =>
      listTeams(
        db,
        principal.grants.get('team:manage') === 'all' ? undefined : administeredTeams(principal.roles),
      ),

    async get(principal, teamId) {
      assertReach(principal, teamId);
      const team = await existing(db, teamId);
      return { team, members: await membersOf(db, teamId) };
    },

    async create(actor, input) {
      return db.transaction(async (trx) => {
        const team = await insertTeam(trx, { id: randomUUID(), ...input });
        await audit.record(
          trx,
          audited(actor, {
            action: 'team.created',
            outcome: 'success',
            target: { type: 'team', id: team.id },
            details: { slug: team.slug, source: 'admin' },
          }),
        );
        return team;
      });
    },

    async update(principal, actor, teamId, changes) {
      assertReach(principal, teamId);
      return db.transaction(async (trx) => {
        const team = await updateTeam(trx, teamId, changes);
        if (!team) throw appError('NOT_FOUND', 'No such team.');
        await audit.record(trx, changed(actor, teamId, { change: 'renamed' }));
        return team;
      });
    },

    async remove(actor, teamId) {
      await db.transaction(async (trx) => {
        const team = await deleteTeam(trx, teamId);
        if (!team) throw appError('NOT_FOUND', 'No such team.');
        await audit.record(
          trx,
          audited(actor, {
            action: 'team.deleted',
            outcome: 'success',
            target: { type: 'team', id: teamId },
            details: { slug: team.slug },
          }),
        );
      });
    },

    async setMember(principal, actor, teamId, userId, role) {
      assertReach(principal, teamId);
      return db.transaction(async (trx) => {
        await existing(trx, teamId);
        if (!(await findUserById(trx, userId))) throw appError('REFERENCE_NOT_FOUND', 'No such user.');
        await upsertMember(trx, teamId, userId, 'admin');
        if (role === 'team_admin') {
          await pinBinding(trx, { userId, role: 'team_admin', teamId, by: actor.userId });
        } else {
          await deleteTeamAdminBinding(trx, userId, teamId);
        }
        await audit.record(trx, changed(actor, teamId, { change: 'member_set', user_id: userId, role }));
        return membersOf(trx, teamId);
      });
    },

    async removeMember(principal, actor, teamId, userId) {
      assertReach(principal, teamId);
      await db.transaction(async (trx) => {
        await existing(trx, teamId);
        const removed = await deleteMember(trx, teamId, userId);
        const demoted = await deleteTeamAdminBinding(trx, userId, teamId);
        if (!removed && !demoted) throw appError('NOT_FOUND', 'The user is not a member of this team.');
        await audit.record(trx, changed(actor, teamId, { change: 'member_removed', user_id: userId }));
      });
    },
  };
}
