/**
 * The content module: the retention setting and encryption at rest of retained prompt and response
 * content, with per-user and per-team keys so that destroying a key erases its content
 * (crypto-shredding) while receipts, which hold only hashes, stay verifiable.
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { AuditService } from '../audit/index.js';
import type { DeclaredRouter } from '../identity/index.js';
import type { Db } from '../platform/db/knex.js';
import { settingOrCreate } from '../platform/db/settings.js';
import type { ContentConfig } from './config-schema.js';
import { ContentKeys, type KekSource } from './keys.js';
import { declareContentRoutes } from './routes.js';
import { type ContentService, createContentService } from './service.js';
import { defaultRetention } from './settings.js';

export { ContentConfig } from './config-schema.js';
export type { OwnerType } from './key-repository.js';
export { purgeOperationContent } from './operation-repository.js';
export type {
  ContentOwner,
  ContentPart,
  ContentService,
  OperationContent,
  OperationContentInput,
} from './service.js';
export type { RetentionMode, RetentionSettings, StoredSettings } from './settings.js';

export interface ContentModuleDeps {
  db: Db;
  log: Logger;
  config: ContentConfig;
  audit: AuditService;
  /** NODE_ENV=production: no development key-encryption key is generated. */
  production: boolean;
  /** Default of the usage retention period (`gateway.usage.retentionDays`) until an admin sets one. */
  usageRetentionDays: number;
}

export interface ContentModule {
  service: ContentService;
  keys: ContentKeys;
  /** `/api/v1/admin/settings` and the break-glass content read. */
  declareRoutes(r: DeclaredRouter): void;
}

const decodeKey = (b64: string) => Buffer.from(b64, 'base64');

/** The KEK: configured, or (development only) generated once and kept in the database. */
async function resolveKek(deps: ContentModuleDeps): Promise<{ kek: Buffer | undefined; source: KekSource }> {
  if (deps.config.keyEncryptionKey)
    return { kek: decodeKey(deps.config.keyEncryptionKey), source: 'configured' };
  if (deps.production) return { kek: undefined, source: 'none' };
  const stored = await settingOrCreate(deps.db, 'content.development_kek', () =>
    randomBytes(32).toString('base64'),
  );
  return { kek: decodeKey(stored), source: 'development' };
}

export async function createContentModule(deps: ContentModuleDeps): Promise<ContentModule> {
  const log = deps.log.child({ module: 'content' });
  const { kek, source } = await resolveKek(deps);
  if (source === 'development')
    log.warn(
      'content key-encryption key generated for development; configure content.keyEncryptionKey in production',
    );
  const keys = new ContentKeys({
    kek,
    source,
    previous: deps.config.previousKeyEncryptionKeys.map(decodeKey),
    cacheTtlMs: deps.config.keyCacheTtlMs,
    log,
  });
  const service = createContentService({
    db: deps.db,
    keys,
    audit: deps.audit,
    defaults: defaultRetention(deps.usageRetentionDays),
  });
  return {
    service,
    keys,
    declareRoutes: (r) => declareContentRoutes(r, { db: deps.db, content: service, audit: deps.audit }),
  };
}
