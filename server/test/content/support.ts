/**
 * Fixture of the content and retention tests: the real appliance behind the development IdP, with
 * the simulator as its model backend, and a second content module on the same database (sharing the
 * development key-encryption key and the content keys through PostgreSQL, as another replica would)
 * to store operations the way the gateway and the assistant do.
 */
import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { type AuditService, createAuditModule } from '../../src/audit/index.js';
import { type ContentModule, createContentModule } from '../../src/content/index.js';
import { type RunningSimulator, startSimulator } from '../../src/dev/simulator/index.js';
import { createAuditLogAppender } from '../../src/evidence/index.js';
import { type Browser, type SsoFixture, signIn, startSsoFixture } from '../identity/support.js';

export const MODEL = 'ai-la/sim-coder-7b';

export interface ContentFixture {
  sso: SsoFixture;
  simulator: RunningSimulator;
  content: ContentModule;
  audit: AuditService;
  admin: Browser;
  auditor: Browser;
  dev: Browser;
  devUserId: string;
  stop(): Promise<void>;
}

export async function startContentFixture(env: Record<string, string> = {}): Promise<ContentFixture> {
  const simulator = await startSimulator({ models: [MODEL] });
  let sso: SsoFixture | undefined;
  try {
    sso = await startSsoFixture({
      AILA_GATEWAY_BACKENDS: JSON.stringify([{ name: 'sim', url: simulator.url, models: [MODEL] }]),
      ...env,
    });
    const db = sso.app.db;
    const audit = (await createAuditModule({ db, appender: createAuditLogAppender() })).service;
    const content = await createContentModule({
      db,
      log: pino({ level: 'silent' }),
      config: { previousKeyEncryptionKeys: [], keyCacheTtlMs: 0 },
      audit,
      production: false,
      usageRetentionDays: 90,
    });
    const [admin, auditor, dev] = await Promise.all(
      ['admin@ai-la.dev', 'auditor@ai-la.dev', 'dev@ai-la.dev'].map((email) =>
        signIn((sso as SsoFixture).app, email),
      ),
    );
    const me = await (dev as Browser).json<{ user: { id: string } }>('/api/v1/me');
    const fixture = sso;
    return {
      sso: fixture,
      simulator,
      content,
      audit,
      admin: admin as Browser,
      auditor: auditor as Browser,
      dev: dev as Browser,
      devUserId: me.user.id,
      stop: async () => {
        await fixture.stop();
        await simulator.close();
      },
    };
  } catch (err) {
    await sso?.stop();
    await simulator.close();
    throw err;
  }
}

/** Stores one operation's content for `userId` (and `teamId`), as the gateway does with retention full. */
export async function storeOperation(
  fx: ContentFixture,
  owner: { userId: string; teamId: string | null },
  text = `{"prompt":"${randomUUID()}"}`,
): Promise<string> {
  const requestId = randomUUID();
  await fx.content.service.storeOperation(fx.sso.app.db, {
    requestId,
    owner,
    op: 'chat_completions',
    input: { bytes: Buffer.from(text), mediaType: 'application/json' },
    output: { bytes: Buffer.from(`{"answer":"${requestId}"}`), mediaType: 'application/json' },
  });
  return requestId;
}

/** Audit rows of an action, oldest first. */
export async function auditEvents(fx: ContentFixture, action: string) {
  const rows = (await fx.sso.app.db('audit_events').where({ action }).orderBy('seq')) as Array<{
    event: {
      outcome: string;
      actor: { id: string };
      target?: { id: string };
      details: Record<string, unknown>;
    };
  }>;
  return rows.map((r) => r.event);
}
