import { randomUUID } from 'node:crypto';
import type { AuditInput, AuditService } from '../../audit/index.js';
import type { Db } from '../../platform/db/knex.js';
import type { ExternalProfile, GroupGrants } from '../oidc/claims.js';
import type { Role } from '../rbac.js';
import { deleteMember, ensureTeam, teamIdsOf, upsertMember } from '../teams/repository.js';
import {
  findIdentity,
  findUserByEmail,
  findUserById,
  insertUser,
  linkIdentity,
  recordLogin,
  touchIdentity,
  type UserRow,
} from './repository.js';
import { bindingsOf, countBindings, deleteBinding, insertBinding } from './role-bindings.js';

/** Outcome of just-in-time provisioning at sign-in. */
export interface Provisioned {
  user: UserRow;
  created: boolean;
  /** How many role bindings the user holds after the sync (admin-pinned ones included). */
  roleCount: number;
}

/** Where IdP-sourced users, roles and memberships come from. */
export type ProvisioningSource = 'oidc' | 'saml' | 'scim';

/** Who a group sync is attributed to in the audit trail, and the source recorded with it. */
export interface SyncOrigin {
  actor: AuditInput['actor'];
  source: ProvisioningSource;
}

/** Changes made at sign-in by group mapping are attributed to the connection, not to a person. */
const systemActor = (source: ProvisioningSource, connection: string): AuditInput['actor'] => ({
  type: 'system',
  id: `${source}:${connection}`,
});

const bindingKey = (role: Role, teamId: string | null) => `${role}/${teamId ?? ''}`;

/**
 * Finds the user for an external identity: by (connection, subject), else by e-mail (linking the
 * identity; the connection is trusted for the e-mail domains it serves), else none.
 */
export async function findExistingUser(trx: Db, profile: ExternalProfile): Promise<UserRow | undefined> {
  const identity = await findIdentity(trx, profile.connection, profile.subject);
  if (identity) return findUserById(trx, identity.user_id);
  return findUserByEmail(trx, profile.email);
}

/**
 * Just-in-time provisioning (inside the sign-in transaction): creates or updates the user, links the
 * identity, and re-computes the IdP-sourced role bindings and team memberships from the groups.
 * Admin-pinned bindings and memberships (source admin) are never touched. Disabled users must be
 * refused before calling this.
 */
export async function provisionUser(
  trx: Db,
  audit: AuditService,
  profile: ExternalProfile,
  grants: GroupGrants,
  source: 'oidc' | 'saml' = 'oidc',
): Promise<Provisioned> {
  const actor = systemActor(source, profile.connection);
  let user = await findExistingUser(trx, profile);
  const created = !user;
  if (!user) {
    user = await insertUser(trx, { id: randomUUID(), email: profile.email, name: profile.name });
    await audit.record(trx, {
      action: 'user.created',
      outcome: 'success',
      actor,
      target: { type: 'user', id: user.id },
      details: { source, connection: profile.connection },
    });
  }
  if (await findIdentity(trx, profile.connection, profile.subject)) {
    await touchIdentity(trx, profile.connection, profile.subject);
  } else {
    await linkIdentity(trx, profile.connection, profile.subject, user.id);
  }
  await recordLogin(trx, user.id, profile);
  await syncGroupGrants(trx, audit, user.id, grants, { actor, source });
  return { user, created, roleCount: await countBindings(trx, user.id) };
}

/**
 * Makes the user's IdP-sourced role bindings and team memberships exactly what `grants` calls for
 * (teams are created on first use). Admin-pinned bindings and memberships are never touched. Used
 * at sign-in (OIDC, SAML) and by SCIM group changes; each change is an audit event.
 */
export async function syncGroupGrants(
  trx: Db,
  audit: AuditService,
  userId: string,
  grants: GroupGrants,
  { actor, source }: SyncOrigin,
): Promise<void> {
  // Teams named by the groups (created on first use), and the bindings the groups call for.
  const teamIds = new Map<string, 'member' | 'team_admin'>();
  for (const [slug, role] of grants.teams) {
    const { team, created: teamCreated } = await ensureTeam(trx, randomUUID(), slug);
    if (teamCreated) {
      await audit.record(trx, {
        action: 'team.created',
        outcome: 'success',
        actor,
        target: { type: 'team', id: team.id },
        details: { slug, source },
      });
    }
    teamIds.set(team.id, role);
  }
  const wanted = new Map<string, { role: Role; teamId: string | null }>();
  for (const role of grants.roles) wanted.set(bindingKey(role, null), { role, teamId: null });
  for (const [teamId, role] of teamIds) {
    if (role === 'team_admin') wanted.set(bindingKey('team_admin', teamId), { role: 'team_admin', teamId });
  }

  const current = await bindingsOf(trx, userId);
  const held = new Set(current.map((b) => bindingKey(b.role, b.team_id)));
  for (const binding of current) {
    if (binding.source !== 'idp' || wanted.has(bindingKey(binding.role, binding.team_id))) continue;
    await deleteBinding(trx, binding.id);
    await audit.record(trx, {
      action: 'role.revoked',
      outcome: 'success',
      actor,
      target: { type: 'user', id: userId },
      details: { role: binding.role, team_id: binding.team_id, source: 'idp' },
    });
  }
  for (const [key, binding] of wanted) {
    if (held.has(key)) continue;
    await insertBinding(trx, { userId: userId, ...binding, source: 'idp', createdBy: null });
    await audit.record(trx, {
      action: 'role.granted',
      outcome: 'success',
      actor,
      target: { type: 'user', id: userId },
      details: { role: binding.role, team_id: binding.teamId, source: 'idp' },
    });
  }

  const memberships = await teamIdsOf(trx, userId);
  for (const m of memberships) {
    if (m.source !== 'idp' || teamIds.has(m.team_id)) continue;
    await deleteMember(trx, m.team_id, userId);
    await audit.record(trx, {
      action: 'team.updated',
      outcome: 'success',
      actor,
      target: { type: 'team', id: m.team_id },
      details: { change: 'member_removed', user_id: userId, source: 'idp' },
    });
  }
  const memberOf = new Set(memberships.map((m) => m.team_id));
  for (const teamId of teamIds.keys()) {
    if (memberOf.has(teamId)) continue;
    await upsertMember(trx, teamId, userId, 'idp');
    await audit.record(trx, {
      action: 'team.updated',
      outcome: 'success',
      actor,
      target: { type: 'team', id: teamId },
      details: { change: 'member_added', user_id: userId, source: 'idp' },
    });
  }
}
