import type { AuditInput, AuditService } from '../../audit/index.js';
import type { Db } from '../../platform/db/knex.js';
import { AppError } from '../../platform/errors.js';
import type { ConnectionMapping } from '../config-shared.js';
import type { ApiKeyService } from '../keys/service.js';
import type { Actor, ScimCaller } from '../principal.js';
import type { SessionService } from '../sessions/service.js';
import { syncGroupGrants } from '../users/provisioning.js';
import { lockUser, setUserStatus, type UserStatus } from '../users/repository.js';
import { grantsOf } from './grants.js';

/** What SCIM users and groups share: who acts, group sync, (de)activation, the request audit event. */
export interface ScimSync {
  /** The connection mapping of the caller's connection. */
  mapping(caller: ScimCaller): ConnectionMapping;
  /** The audit actor of a SCIM client: its token. */
  actor(caller: ScimCaller): AuditInput['actor'];
  /** Recomputes a user's IdP-sourced roles and team memberships from their SCIM groups. */
  syncUser(trx: Db, caller: ScimCaller, userId: string): Promise<void>;
  /**
   * Activates or deactivates a user. Deactivation ends every session and revokes every API key in
   * the same transaction, so it takes effect on the very next request.
   */
  setActive(trx: Db, caller: ScimCaller, userId: string, active: boolean, current: UserStatus): Promise<void>;
  /** Records `scim.request` for a change. */
  recordRequest(
    trx: Db,
    caller: ScimCaller,
    details: { method: string; resource: string; id: string },
  ): Promise<void>;
}

/** What the shared SCIM helpers need. */
export interface ScimSyncDeps {
  audit: AuditService;
  sessions: SessionService;
  keys: ApiKeyService;
  /** The mapping (claims, groupRoles, groupTeams, defaultRole) of a configured connection. */
  mappingOf(connection: string): ConnectionMapping | undefined;
}

/** Creates the shared SCIM helpers. */
export function createScimSync({ audit, sessions, keys, mappingOf }: ScimSyncDeps): ScimSync {
  const asActor = (caller: ScimCaller): Actor => ({ type: 'scim', userId: caller.tokenId });
  const actor = (caller: ScimCaller): AuditInput['actor'] => ({ type: 'scim', id: caller.tokenId });
  const mapping = (caller: ScimCaller) => {
    const found = mappingOf(caller.connection);
    if (!found)
      throw new AppError('SCIM_TOKEN_INVALID', 'The connection of this SCIM token is no longer configured.');
    return found;
  };

  return {
    mapping,
    actor,

    async syncUser(trx, caller, userId) {
      // One sync per user at a time: concurrent group changes each see the others' result.
      await lockUser(trx, userId);
      const grants = await grantsOf(trx, mapping(caller), userId, []);
      await syncGroupGrants(trx, audit, userId, grants, { actor: actor(caller), source: 'scim' });
    },

    async setActive(trx, caller, userId, active, current) {
      if (active && current === 'disabled') {
        await setUserStatus(trx, userId, 'active');
        await audit.record(trx, {
          action: 'user.enabled',
          outcome: 'success',
          actor: actor(caller),
          target: { type: 'user', id: userId },
          details: { source: 'scim' },
        });
      } else if (!active && current === 'active') {
        await setUserStatus(trx, userId, 'disabled');
        const sessionsRevoked = await sessions.revokeAllOf(trx, asActor(caller), userId);
        const keysRevoked = await keys.revokeAllOf(trx, asActor(caller), userId);
        await audit.record(trx, {
          action: 'user.disabled',
          outcome: 'success',
          actor: actor(caller),
          target: { type: 'user', id: userId },
          details: { source: 'scim', sessions_revoked: sessionsRevoked, keys_revoked: keysRevoked },
        });
      }
    },

    async recordRequest(trx, caller, details) {
      await audit.record(trx, {
        action: 'scim.request',
        outcome: 'success',
        actor: actor(caller),
        target: { type: details.resource.toLowerCase(), id: details.id },
        details: { method: details.method, resource_type: details.resource, connection: caller.connection },
      });
    },
  };
}
