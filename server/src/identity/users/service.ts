import type { AuditService } from '../../audit/index.js';
import type { Db } from '../../platform/db/knex.js';
import { AppError, appError } from '../../platform/errors.js';
import type { ApiKeyService } from '../keys/service.js';
import { type Actor, audited } from '../principal.js';
import type { Role } from '../rbac.js';
import type { SessionService } from '../sessions/service.js';
import { findTeam, type MembershipRow, membershipsOf, upsertMember } from '../teams/repository.js';
import {
  findUserById,
  type IdentityRow,
  identitiesOf,
  lockUser,
  searchUsers,
  setUserStatus,
  type UserRow,
  type UserSearch,
} from './repository.js';
import { bindingsOf, deleteBinding, pinBinding, type RoleBindingRow } from './role-bindings.js';

/** A user with everything an admin (or the user) sees about their access. */
export interface UserDetail {
  user: UserRow;
  roles: RoleBindingRow[];
  teams: MembershipRow[];
  identities: IdentityRow[];
}

export interface UserService {
  get(userId: string): Promise<UserDetail>;
  search(search: UserSearch): Promise<{ rows: UserRow[]; total: number }>;
  /** Sets the user's admin-pinned roles to exactly `roles`; IdP-sourced roles still follow groups. */
  setPinnedRoles(
    actor: Actor,
    userId: string,
    roles: Array<{ role: Role; teamId: string | null }>,
  ): Promise<UserDetail>;
  /** Disables a user: every session ends and every key is revoked, in one transaction. */
  disable(actor: Actor, userId: string): Promise<UserDetail>;
  enable(actor: Actor, userId: string): Promise<UserDetail>;
  revokeSessions(actor: Actor, userId: string): Promise<number>;
}

export interface UserServiceDeps {
  db: Db;
  audit: AuditService;
  sessions: SessionService;
  keys: ApiKeyService;
}

const key = (role: string, teamId: string | null) => `${role}/${teamId ?? ''}`;

/** Creates the user administration service. */
export function createUserService({ db, audit, sessions, keys }: UserServiceDeps): UserService {
  async function detail(trx: Db, userId: string): Promise<UserDetail> {
    const user = await findUserById(trx, userId);
    if (!user) throw appError('NOT_FOUND', 'No such user.');
    // One after the other: inside a transaction all three share one connection.
    const roles = await bindingsOf(trx, userId);
    const teams = await membershipsOf(trx, userId);
    const identities = await identitiesOf(trx, userId);
    return { user, roles, teams, identities };
  }

  async function lockedUser(trx: Db, userId: string): Promise<UserRow> {
    const user = await lockUser(trx, userId);
    if (!user) throw appError('NOT_FOUND', 'No such user.');
    return user;
  }

  return {
    get: (userId) => detail(db, userId),
    search: (search) => searchUsers(db, search),

    async setPinnedRoles(actor, userId, roles) {
      const problems = roles.flatMap((r, i) =>
        (r.role === 'team_admin') === (r.teamId !== null)
          ? []
          : [{ field: `body.roles.${i}.team_id`, message: 'is required for team_admin and only for it' }],
      );
      if (problems.length > 0) throw new AppError('VALIDATION_FAILED', undefined, problems);
      const updated = await db.transaction(async (trx) => {
        await lockedUser(trx, userId);
        const wanted = new Map(roles.map((r) => [key(r.role, r.teamId), r]));
        for (const r of wanted.values()) {
          if (r.teamId && !(await findTeam(trx, r.teamId)))
            throw appError('REFERENCE_NOT_FOUND', 'No such team.');
        }
        const current = await bindingsOf(trx, userId);
        const record = (action: 'role.granted' | 'role.revoked', role: string, teamId: string | null) =>
          audit.record(
            trx,
            audited(actor, {
              action,
              outcome: 'success',
              target: { type: 'user', id: userId },
              details: { role, team_id: teamId, source: 'admin' },
            }),
          );
        for (const b of current) {
          if (b.source === 'admin' && !wanted.has(key(b.role, b.team_id))) {
            await deleteBinding(trx, b.id);
            await record('role.revoked', b.role, b.team_id);
          }
        }
        for (const r of wanted.values()) {
          const existing = current.find((b) => key(b.role, b.team_id) === key(r.role, r.teamId));
          if (existing?.source === 'admin') continue;
          await pinBinding(trx, { userId, role: r.role, teamId: r.teamId, by: actor.userId });
          if (r.teamId) await upsertMember(trx, r.teamId, userId, 'admin');
          await record('role.granted', r.role, r.teamId);
        }
        return detail(trx, userId);
      });
      keys.forgetUser(userId);
      return updated;
    },

    async disable(actor, userId) {
      if (userId === actor.userId) throw appError('CONFLICT', 'You cannot disable your own account.');
      const disabled = await db.transaction(async (trx) => {
        await lockedUser(trx, userId);
        await setUserStatus(trx, userId, 'disabled');
        const sessionsRevoked = await sessions.revokeAllOf(trx, actor, userId);
        const keysRevoked = await keys.revokeAllOf(trx, actor, userId);
        await audit.record(
          trx,
          audited(actor, {
            action: 'user.disabled',
            outcome: 'success',
            target: { type: 'user', id: userId },
            details: { sessions_revoked: sessionsRevoked, keys_revoked: keysRevoked },
          }),
        );
        return detail(trx, userId);
      });
      keys.forgetUser(userId); // At once here; other replicas hear it from PostgreSQL.
      return disabled;
    },

    async enable(actor, userId) {
      return db.transaction(async (trx) => {
        const user = await lockedUser(trx, userId);
        if (user.status !== 'active') {
          await setUserStatus(trx, userId, 'active');
          await audit.record(
            trx,
            audited(actor, {
              action: 'user.enabled',
              outcome: 'success',
              target: { type: 'user', id: userId },
            }),
          );
        }
        return detail(trx, userId);
      });
    },

    async revokeSessions(actor, userId) {
      return db.transaction(async (trx) => {
        await lockedUser(trx, userId);
        return sessions.revokeAllOf(trx, actor, userId);
      });
    },
  };
}
