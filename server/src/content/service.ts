/**
 * The content service: the retention setting, sealing and opening values under the owner's keys
 * (crypto.ts), and the retained content of AI operations. Modules that keep content of their own
 * (assistant conversations) store sealed blobs from {@link ContentService.seal} in their tables, so
 * destroying a key shreds those too.
 */
import type { AuditService } from '../audit/index.js';
import type { Db } from '../platform/db/knex.js';
import { AppError } from '../platform/errors.js';
import { type ContentKey, open, seal, sealedKeyIds } from './crypto.js';
import type { OwnerType } from './key-repository.js';
import type { ContentKeys } from './keys.js';
import { findOperationContent, insertOperationContent } from './operation-repository.js';
import {
  lockRetention,
  type RetentionMode,
  type RetentionSettings,
  readRetention,
  type StoredSettings,
  writeRetention,
} from './settings.js';

/** Whose content a value is: the user, and the team the user acted for (if any). */
export interface ContentOwner {
  userId: string;
  teamId: string | null;
}

/** Bytes with their media type. */
export interface ContentPart {
  bytes: Buffer;
  mediaType: string;
}

/** One AI operation's content, as handed to {@link ContentService.storeOperation}. */
export interface OperationContentInput {
  requestId: string;
  owner: ContentOwner;
  /** The receipt's `ext.op`. */
  op: string;
  project?: string | undefined;
  task?: string | undefined;
  /** Bytes whose SHA-256 is the receipt's input_hash. */
  input: ContentPart;
  /** Bytes whose SHA-256 is the receipt's output_hash. */
  output: ContentPart;
}

/** One operation's retained content, decrypted (or marked shredded). */
export interface OperationContent {
  requestId: string;
  userId: string;
  teamId: string | null;
  op: string;
  project: string | null;
  task: string | null;
  createdAt: Date;
  /** True when a key it was sealed under has been destroyed: the bytes are gone for good. */
  shredded: boolean;
  input: ContentPart | null;
  output: ContentPart | null;
}

export interface ContentService {
  /** The retention mode now; cached for `modeCacheMs`, so cheap on every AI call. */
  mode(): Promise<RetentionMode>;
  /** The retention settings as stored (no cache). */
  settings(): Promise<StoredSettings>;
  /** Changes retention settings, audited as `settings.updated` in the same transaction. */
  updateSettings(
    actor: { userId: string; ip?: string | undefined },
    changes: Partial<RetentionSettings>,
  ): Promise<StoredSettings>;
  /** Encrypts `plaintext` for `owner` (user key + team key). */
  seal(db: Db, owner: ContentOwner, plaintext: Buffer): Promise<Buffer>;
  /** Decrypts a sealed value; null when a key it needs has been destroyed. */
  open(db: Db, sealed: Buffer): Promise<Buffer | null>;
  /**
   * Stores one operation's content, sealed. Call only while `mode()` is `full`. False when content
   * of this request id is already stored (the receipt must then not claim it retained).
   */
  storeOperation(db: Db, op: OperationContentInput): Promise<boolean>;
  /** Decrypted content of these operations, in the order given; unknown ids are skipped. */
  readOperations(db: Db, requestIds: string[]): Promise<OperationContent[]>;
  /** Destroys the live key of a user or team (crypto-shredding); the caller records the audit event. */
  destroyKey(db: Db, ownerType: OwnerType, ownerId: string, by: string): Promise<string[]>;
  /** What admins see of the key-encryption key. */
  keyStatus(): { available: boolean; source: string; kek_id: string | null };
}

export interface ContentServiceDeps {
  db: Db;
  keys: ContentKeys;
  audit: AuditService;
  defaults: RetentionSettings;
  modeCacheMs?: number;
}

export function createContentService(deps: ContentServiceDeps): ContentService {
  const { db, keys, audit, defaults } = deps;
  const modeCacheMs = deps.modeCacheMs ?? 2000;
  let cachedMode: { at: number; mode: Promise<RetentionMode> } | undefined;

  async function ownerKeys(trx: Db, owner: ContentOwner): Promise<[ContentKey, ContentKey | undefined]> {
    const user = await keys.liveKey(trx, 'user', owner.userId);
    const team = owner.teamId ? await keys.liveKey(trx, 'team', owner.teamId) : undefined;
    return [user, team];
  }

  /** Opens `sealed` with keys already loaded; null when one is destroyed or unknown. */
  function openWith(known: Map<string, ContentKey | null>, sealed: Buffer): Buffer | null {
    const ids = sealedKeyIds(sealed);
    const user = known.get(ids.userKeyId);
    const team = ids.teamKeyId === null ? undefined : known.get(ids.teamKeyId);
    if (!user || team === null || (ids.teamKeyId !== null && team === undefined)) return null;
    return open(user, team, sealed);
  }

  const idsOf = (sealed: Buffer[]) =>
    sealed.flatMap((s) => {
      const ids = sealedKeyIds(s);
      return ids.teamKeyId === null ? [ids.userKeyId] : [ids.userKeyId, ids.teamKeyId];
    });

  const service: ContentService = {
    mode() {
      const now = Date.now();
      if (cachedMode === undefined || now - cachedMode.at >= modeCacheMs) {
        const mode = readRetention(db, defaults).then((s) => s.retention.content);
        // A failed read is not cached: the next call asks the database again.
        mode.catch(() => {
          if (cachedMode?.mode === mode) cachedMode = undefined;
        });
        cachedMode = { at: now, mode };
      }
      return cachedMode.mode;
    },

    settings: () => readRetention(db, defaults),

    async updateSettings(actor, changes) {
      if (changes.content === 'full' && !keys.available) throw new AppError('CONTENT_KEY_MISSING');
      const stored = await db.transaction(async (trx) => {
        const current = await lockRetention(trx, defaults);
        const next: RetentionSettings = { ...current, ...changes };
        const changed = Object.fromEntries(
          (Object.keys(changes) as Array<keyof RetentionSettings>)
            .filter((k) => current[k] !== next[k])
            .map((k) => [k, next[k]]),
        );
        const saved = await writeRetention(trx, next, actor.userId);
        if (Object.keys(changed).length > 0) {
          await audit.record(trx, {
            action: 'settings.updated',
            outcome: 'success',
            actor: { type: 'user', id: actor.userId, ...(actor.ip ? { ip: actor.ip } : {}) },
            target: { type: 'setting', id: 'retention' },
            details: { changes: changed },
          });
        }
        return saved;
      });
      cachedMode = undefined;
      return stored;
    },

    async seal(trx, owner, plaintext) {
      const [user, team] = await ownerKeys(trx, owner);
      return seal(user, team, plaintext);
    },

    async open(trx, sealed) {
      return openWith(await keys.byIds(trx, idsOf([sealed])), sealed);
    },

    async storeOperation(trx, op) {
      const [user, team] = await ownerKeys(trx, op.owner);
      return insertOperationContent(trx, {
        request_id: op.requestId,
        user_id: op.owner.userId,
        team_id: op.owner.teamId,
        op: op.op,
        project: op.project ?? null,
        task: op.task ?? null,
        input_media_type: op.input.mediaType,
        input_sealed: seal(user, team, op.input.bytes),
        output_media_type: op.output.mediaType,
        output_sealed: seal(user, team, op.output.bytes),
      });
    },

    async readOperations(trx, requestIds) {
      const rows = await findOperationContent(trx, requestIds);
      const known = await keys.byIds(trx, idsOf(rows.flatMap((r) => [r.input_sealed, r.output_sealed])));
      const byId = new Map(rows.map((r) => [r.request_id, r]));
      return requestIds.flatMap((id) => {
        const row = byId.get(id);
        if (!row) return [];
        const input = openWith(known, row.input_sealed);
        const output = openWith(known, row.output_sealed);
        const shredded = input === null || output === null;
        return [
          {
            requestId: row.request_id,
            userId: row.user_id,
            teamId: row.team_id,
            op: row.op,
            project: row.project,
            task: row.task,
            createdAt: row.created_at,
            shredded,
            input: shredded || input === null ? null : { bytes: input, mediaType: row.input_media_type },
            output: shredded || output === null ? null : { bytes: output, mediaType: row.output_media_type },
          },
        ];
      });
    },

    destroyKey: (trx, ownerType, ownerId, by) => keys.destroy(trx, ownerType, ownerId, by),

    keyStatus: () => ({ available: keys.available, source: keys.source, kek_id: keys.kekId ?? null }),
  };
  return service;
}
