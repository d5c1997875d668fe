import type { Logger } from 'pino';
import type { AuditService } from '../../audit/index.js';
import type { Db } from '../../platform/db/knex.js';
import { AppError } from '../../platform/errors.js';
import type { OidcConnections } from '../oidc/connections.js';
import type { SamlConnections } from '../saml/connections.js';
import { bindingOf } from '../tokens.js';
import { oidcTestLogin, type StartedTest } from './oidc-test.js';
import { findTestLogin, TEST_LOGIN_KEEP_MS, type TestLoginRow } from './repository.js';
import { samlTestLogin } from './saml-test.js';
import { type Caller, createTestRuns } from './test-runs.js';

/** A callback or ACS request that may answer a test sign-in. */
interface Answer {
  connection: string;
  bindingToken: string | undefined;
  caller: Caller;
}

/**
 * Test sign-ins: an admin runs the real sign-in of a connection in a new browser tab and sees the
 * claims or attributes the IdP sent and the roles and teams they would map to. No user is created
 * or changed and no session is opened; every outcome is an `idp.test_login` audit event.
 */
export interface TestLoginService {
  /** Starts a test sign-in; `bindingToken` is the browser's current sign-in cookie value, if any. */
  start(
    startedBy: string,
    connection: string,
    bindingToken: (protocol: 'oidc' | 'saml') => string | undefined,
  ): Promise<StartedTest & { protocol: 'oidc' | 'saml'; bindingToken: string }>;
  /** Handles an OIDC callback if its state is a test's (undefined otherwise). */
  finishOidc(input: Answer & { query: URLSearchParams }): Promise<{ id: string } | undefined>;
  /** Handles a SAML Response if it answers a test's AuthnRequest (undefined otherwise). */
  finishSaml(input: Answer & { body: Record<string, unknown> }): Promise<{ id: string } | undefined>;
  /** A test sign-in of `userId` (only the admin who started it sees it). */
  get(userId: string, id: string): Promise<TestLoginRow>;
}

export function createTestLoginService(deps: {
  db: Db;
  audit: AuditService;
  log: Logger;
  oidc: OidcConnections;
  saml: SamlConnections;
  loginTimeoutMs: number;
}): TestLoginService {
  const { db, log } = deps;
  const runs = createTestRuns({ db, audit: deps.audit, log, loginTimeoutMs: deps.loginTimeoutMs });
  const oidc = oidcTestLogin({ db, log, runs });
  const saml = samlTestLogin({ db, log, runs, ttlMs: deps.loginTimeoutMs });
  return {
    async start(startedBy, name, bindingToken) {
      const oidcConnection = deps.oidc.byName(name);
      const samlConnection = deps.saml.byName(name);
      if (oidcConnection) {
        const token = bindingOf(bindingToken('oidc'));
        return {
          ...(await oidc.start(oidcConnection, startedBy, token)),
          protocol: 'oidc',
          bindingToken: token,
        };
      }
      if (samlConnection) {
        const token = bindingOf(bindingToken('saml'));
        return {
          ...(await saml.start(samlConnection, startedBy, token)),
          protocol: 'saml',
          bindingToken: token,
        };
      }
      throw new AppError('SSO_UNKNOWN_CONNECTION');
    },
    finishOidc: (input) => oidc.finish(deps.oidc.byName(input.connection), input),
    finishSaml: (input) => saml.finish(deps.saml.byName(input.connection), input),
    async get(userId, id) {
      const row = await findTestLogin(db, id);
      const fresh = row && Date.now() - row.created_at.getTime() < TEST_LOGIN_KEEP_MS;
      if (!row || !fresh || row.started_by !== userId)
        throw new AppError('NOT_FOUND', 'No such test sign-in.');
      return row;
    },
  };
}

/** The console page that shows a test sign-in's result; the callback sends the browser there. */
export const testLoginPage = (id: string) => `/admin/sso/test-logins/${id}`;

/** A test sign-in as the admin API shows it (never the state, binding, nonce or verifier). */
export const presentTestLogin = (row: TestLoginRow) => ({
  id: row.id,
  connection: row.connection,
  protocol: row.protocol,
  status: row.status,
  started_at: row.created_at.toISOString(),
  expires_at: row.expires_at.toISOString(),
  completed_at: row.completed_at?.toISOString() ?? null,
  result: row.result,
});
