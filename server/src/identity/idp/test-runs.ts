import type { Logger } from 'pino';
import type { AuditValue } from '../../audit/event.js';
import type { AuditService } from '../../audit/index.js';
import type { Db } from '../../platform/db/knex.js';
import { LoginFailure } from '../errors.js';
import { sha256Hex } from '../tokens.js';
import type { MappingPreview } from './preview.js';
import {
  completeTestLogin,
  findTestLoginByState,
  insertTestLogin,
  redeemTestLogin,
  type TestLoginRow,
} from './repository.js';

/** What the test sign-in flows share. */
export interface TestRunDeps {
  db: Db;
  audit: AuditService;
  log: Logger;
  loginTimeoutMs: number;
}

/** Who is behind a request to a callback: the signed-in user, or nobody. */
export interface Caller {
  userId: string | undefined;
  ip: string | undefined;
}

/** What the IdP sent, as the result page shows it (protocol-specific parts in `protocol`). */
export interface ReceivedIdentity {
  subject: string;
  claims: Record<string, unknown>;
  protocol: Record<string, unknown>;
}

/** The mapping preview in the API's naming. */
export function presentPreview(p: MappingPreview) {
  return {
    profile: p.profile,
    scim_groups: p.scimGroups,
    teams: p.teams,
    user: p.user,
    roles: p.roles,
    verdict: p.verdict,
  };
}

/**
 * The bookkeeping of test sign-ins around the protocol steps: the row with its own state, the
 * single-use redemption bound to the starting browser, the stored outcome and the `idp.test_login`
 * audit event. Nothing here touches users, roles or sessions.
 */
export function createTestRuns(deps: TestRunDeps) {
  const { db, audit, log } = deps;

  async function record(
    row: Pick<TestLoginRow, 'id' | 'connection' | 'protocol'>,
    actor: Caller,
    outcome: { failure: LoginFailure } | { preview: MappingPreview },
    trx: Db = db,
  ): Promise<void> {
    const details: { [key: string]: AuditValue } = {};
    if ('failure' in outcome) details.reason = outcome.failure.reason;
    else {
      details.verdict = outcome.preview.verdict.outcome;
      if (outcome.preview.verdict.outcome === 'refused')
        details.verdict_reason = outcome.preview.verdict.reason;
    }
    await audit.record(trx, {
      action: 'idp.test_login',
      outcome: 'failure' in outcome ? 'failure' : 'success',
      actor: actor.userId
        ? { type: 'user', id: actor.userId, ...(actor.ip ? { ip: actor.ip } : {}) }
        : { type: 'anonymous', id: 'anonymous', ...(actor.ip ? { ip: actor.ip } : {}) },
      target: { type: 'idp_connection', id: row.connection },
      details: { protocol: row.protocol, test_login_id: row.id, ...details },
    });
  }

  return {
    /** Records a started test sign-in bound to the browser's binding token. */
    async begin(row: {
      id: string;
      connection: string;
      protocol: 'oidc' | 'saml';
      startedBy: string;
      state: string;
      bindingToken: string;
      nonce?: string;
      codeVerifier?: string;
    }): Promise<Date> {
      const expiresAt = new Date(Date.now() + deps.loginTimeoutMs);
      await insertTestLogin(db, {
        id: row.id,
        connection: row.connection,
        protocol: row.protocol,
        started_by: row.startedBy,
        state_hash: sha256Hex(row.state),
        binding_hash: sha256Hex(row.bindingToken),
        nonce: row.nonce ?? null,
        code_verifier: row.codeVerifier ?? null,
        expires_at: expiresAt,
      });
      return expiresAt;
    },

    /** The test sign-in this state (OIDC `state`, SAML InResponseTo) belongs to, if any. */
    find: (state: string) => findTestLoginByState(db, sha256Hex(state)),

    /**
     * Takes a test sign-in for this browser, once. A second use of the state is a replay and a use
     * from another browser is refused (both audited and thrown), exactly as for a real sign-in.
     */
    async redeem(row: TestLoginRow, bindingToken: string | undefined, caller: Caller): Promise<TestLoginRow> {
      const redeemed = await redeemTestLogin(db, row.state_hash, sha256Hex(bindingToken ?? ''));
      if (redeemed) return redeemed;
      const failure = new LoginFailure(
        'SSO_STATE_MISMATCH',
        row.status === 'pending' ? 'browser_mismatch' : 'state_used',
      );
      await this.refuse(row, caller, failure);
      throw failure;
    },

    /** Audits a refusal that leaves the test sign-in as it was (replay, foreign browser). */
    async refuse(row: TestLoginRow, caller: Caller, failure: LoginFailure): Promise<void> {
      log.info({ connection: row.connection, reason: failure.reason }, 'test sign-in refused');
      await record(row, caller, { failure });
    },

    /** Refuses a redeemed test sign-in that ran out of time or arrived at another connection. */
    check(row: TestLoginRow, connection: string, protocol: 'oidc' | 'saml'): void {
      if (row.connection !== connection || row.protocol !== protocol)
        throw new LoginFailure('SSO_STATE_MISMATCH', 'connection_mismatch');
      if (row.expires_at.getTime() <= Date.now())
        throw new LoginFailure('SSO_LOGIN_EXPIRED', 'login_expired');
    },

    /** Stores what the IdP sent and what it would map to, with its audit event. */
    async succeed(
      row: TestLoginRow,
      ip: string | undefined,
      received: ReceivedIdentity,
      preview: MappingPreview,
    ) {
      await db.transaction(async (trx) => {
        await completeTestLogin(trx, row.id, 'succeeded', {
          subject: received.subject,
          claims: received.claims,
          [row.protocol]: received.protocol,
          mapping: presentPreview(preview),
        });
        await record(row, { userId: row.started_by, ip }, { preview }, trx);
      });
    },

    /** Stores why a redeemed test sign-in failed, with its audit event. */
    async fail(row: TestLoginRow, ip: string | undefined, failure: LoginFailure): Promise<void> {
      log.info({ connection: row.connection, reason: failure.reason }, 'test sign-in failed');
      await db.transaction(async (trx) => {
        await completeTestLogin(trx, row.id, 'failed', {
          error: { code: failure.code, reason: failure.reason, message: failure.message },
        });
        await record(row, { userId: row.started_by, ip }, { failure }, trx);
      });
    },
  };
}

export type TestRuns = ReturnType<typeof createTestRuns>;
