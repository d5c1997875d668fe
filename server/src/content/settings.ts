/**
 * The retention settings admins edit (`GET/PUT /api/v1/admin/settings`): whether prompt and response
 * content is retained, and how long content, usage events and ended sessions are kept. One row of
 * `settings` (key `retention`); read through a short cache because every AI call asks for the mode.
 */
import type { Db } from '../platform/db/knex.js';

export type RetentionMode = 'none' | 'full';

export interface RetentionSettings {
  content: RetentionMode;
  /** Days retained content is kept (0: until deleted by hand or crypto-shredded). */
  content_days: number;
  /** Days per-call usage events are kept (daily rollups stay); 0 keeps them. */
  usage_days: number;
  /** Days an ended (expired or revoked) session row is kept; 0 keeps them. */
  sessions_days: number;
}

export interface StoredSettings {
  retention: RetentionSettings;
  updated_at: Date | null;
  updated_by: string | null;
}

export const SETTINGS_KEY = 'retention';

/** The settings before any admin changed them. */
export function defaultRetention(usageDays: number): RetentionSettings {
  return { content: 'none', content_days: 90, usage_days: usageDays, sessions_days: 30 };
}

export async function readRetention(db: Db, defaults: RetentionSettings): Promise<StoredSettings> {
  const row = (await db('settings')
    .where({ key: SETTINGS_KEY })
    .first('value', 'updated_at', 'updated_by')) as
    | { value: Partial<RetentionSettings>; updated_at: Date; updated_by: string | null }
    | undefined;
  if (row === undefined) return { retention: defaults, updated_at: null, updated_by: null };
  return { retention: { ...defaults, ...row.value }, updated_at: row.updated_at, updated_by: row.updated_by };
}

/** Locks the settings row for an update in `trx` (created with the defaults if missing). */
export async function lockRetention(trx: Db, defaults: RetentionSettings): Promise<RetentionSettings> {
  await trx('settings')
    .insert({ key: SETTINGS_KEY, value: JSON.stringify(defaults), updated_at: trx.fn.now() })
    .onConflict('key')
    .ignore();
  const row = (await trx('settings').where({ key: SETTINGS_KEY }).forUpdate().first('value')) as {
    value: Partial<RetentionSettings>;
  };
  return { ...defaults, ...row.value };
}

export async function writeRetention(trx: Db, value: RetentionSettings, by: string): Promise<StoredSettings> {
  const [row] = (await trx('settings')
    .where({ key: SETTINGS_KEY })
    .update({ value: JSON.stringify(value), updated_at: trx.fn.now(), updated_by: by })
    .returning(['updated_at', 'updated_by'])) as Array<{ updated_at: Date; updated_by: string }>;
  return { retention: value, updated_at: row?.updated_at ?? null, updated_by: row?.updated_by ?? null };
}
